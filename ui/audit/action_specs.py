"""The audit-trail entries of the Console menu (the auditor's; DPA 2018 s.62)."""

from __future__ import annotations

from ui.common.actions import ActionSpec

OPEN_TRAIL = ActionSpec("audit.open", "&Audit trail…", "Ctrl+Shift+A", "audit.view", "menu")
VERIFY_TRAIL = ActionSpec("audit.verify", "&Verify audit trail", "", "audit.verify", "menu")

AUDIT_ACTIONS = (OPEN_TRAIL, VERIFY_TRAIL)
