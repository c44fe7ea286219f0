/* controlroom map popups: what a click on a marker shows.
 *
 * Everything in them that a person typed (summaries, places, names, reasons) goes in
 * with textContent, never innerHTML. The safe-space buttons appear only on venues this
 * console may set (a partner: its own), and send the choice to Python over the bridge.
 */
(function () {
  "use strict";

  var page = null;  // the map page's shared state (map.js): the bridge, who may set what

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function row(parent, label, value) {
    var line = el("div", "cr-popup-row");
    line.appendChild(el("span", "cr-popup-label", label));
    line.appendChild(el("span", "cr-popup-value", value));
    parent.appendChild(line);
  }

  function incidentPopup(inc) {
    var box = el("div", "cr-popup");
    var head = el("div", "cr-popup-head");
    head.appendChild(el("span", "cr-grade cr-grade-" + (inc.grade || "u"), inc.grade_label));
    head.appendChild(el("span", "cr-popup-ref", inc.reference));
    box.appendChild(head);
    row(box, "Category", inc.category_label);
    row(box, "Place", inc.place);
    row(box, "Source", inc.source_label);
    row(box, "Status", inc.status_label);
    box.appendChild(el("div", "cr-popup-summary", inc.summary));
    return box;
  }

  /* Selecting from the list: one line to say which marker it is (grade, reference, place)
     and the summary cut to a line; Enter or a click on the marker opens the full popup. */
  function compactPopup(inc) {
    var box = el("div", "cr-popup cr-popup-brief");
    var head = el("div", "cr-popup-head");
    head.appendChild(el("span", "cr-grade cr-grade-" + (inc.grade || "u"), inc.grade_label));
    head.appendChild(el("span", "cr-popup-ref", inc.reference));
    box.appendChild(head);
    box.appendChild(el("div", "cr-popup-line", inc.place));
    if (inc.summary) { box.appendChild(el("div", "cr-popup-line cr-popup-muted", inc.summary)); }
    return box;
  }

  function venuePopup(v) {
    var box = el("div", "cr-popup");
    box.appendChild(el("div", "cr-popup-title", v.name));
    row(box, "Type", v.kind_label);
    if (v.is_safe_space) { row(box, "Safe space", v.safe_space_status_label); }
    row(box, "Open", v.opening_hours);
    row(box, "Best Bar None", v.best_bar_none_label);
    row(box, "WAVE-trained staff", v.wave_trained ? "Yes" : "No");
    row(box, "Address", v.address);
    var editable = page.safeSpaceEditable === null || page.safeSpaceEditable.indexOf(v.id) >= 0;
    if (v.is_safe_space && editable) {
      var actions = el("div", "cr-popup-actions");
      ["open", "full", "closed"].forEach(function (status) {
        var button = el("button", "cr-safe-button cr-safe-" + status, status);
        button.disabled = v.safe_space_status === status;
        button.addEventListener("click", function () {
          if (page.bridge) { page.bridge.safeSpaceStatus(String(v.id), status); }
        });
        actions.appendChild(button);
      });
      box.appendChild(actions);
    }
    return box;
  }

  function unitPopup(u) {
    var box = el("div", "cr-popup");
    box.appendChild(el("div", "cr-popup-title", u.callsign));
    row(box, "Type", u.kind_label);
    row(box, "Status", u.status_label);
    row(box, "Task", u.task || "—");
    row(box, "Position", u.position_at ? new Date(u.position_at).toLocaleTimeString() : "unknown");
    return box;
  }

  function flagPopup(f) {
    var box = el("div", "cr-popup");
    box.appendChild(el("div", "cr-popup-title", "Flag: " + f.behaviour_label));
    row(box, "Where", f.place);
    row(box, "Why", f.reason);
    row(box, "Until", new Date(f.expires_at).toLocaleTimeString());
    return box;
  }

  function zonePopup(z) {
    var box = el("div", "cr-popup");
    box.appendChild(el("div", "cr-popup-title", "Dispersal zone: " + z.name));
    row(box, "Authorised by", z.officer);
    row(box, "Log", z.log_number);
    row(box, "From", new Date(z.starts_at).toLocaleString());
    row(box, "Until", new Date(z.ends_at).toLocaleString());
    row(box, "Area", z.area_in_words);
    return box;
  }

  window.controlroomPopups = {
    init: function (shared) { page = shared; },
    el: el, row: row, incident: incidentPopup, compact: compactPopup, venue: venuePopup, unit: unitPopup, flag: flagPopup,
    zone: zonePopup
  };
}());
