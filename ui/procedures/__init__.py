"""The checklist of an incident in the detail panel and overdue steps on the alert stack."""
