/* controlroom map marks: the rings that must be seen above everything else.
 *
 * Each alerting incident gets a beacon (a Grade 1: a wide white double ring that pulses
 * fast; a Grade 2: a dashed amber ring), and the incident selected in the list gets a
 * ring in the window's focus colour. A mark sits where its incident is shown: on its
 * marker, or on the cluster holding it (a Grade 1 inside a cluster of Grade 2s still
 * shows its own ring). Marks are on panes above units, safe spaces and flags, hollow and
 * click-through: nothing under them is hidden or loses its click, so flags and safe
 * spaces are never covered, yet a new Grade 1 is never under anything.
 */
(function () {
  "use strict";

  var page = null;  // the map page's shared state (map.js): map, incidents, alerting, selected
  var beacons = null, selection = null;
  var Incidents = window.controlroomIncidents;

  function init(shared) {
    page = shared;
    beacons = L.layerGroup().addTo(page.map);
  }

  function ring(className, pane) {
    return {
      pane: pane, interactive: false, keyboard: false,
      icon: L.divIcon({ className: className, html: "<span class=\"cr-mark-ring\"></span>", iconSize: [0, 0] })
    };
  }

  /* Beacons again from the alerting set, one per marker or cluster shown (the highest level wins). */
  function refreshBeacons() {
    beacons.clearLayers();
    var at = {};
    Object.keys(page.alerting).forEach(function (id) {
      var level = Incidents.alertLevel(id), shown = Incidents.shownAt(id);
      if (!level || !shown) { return; }
      var key = L.stamp(shown);
      if (!at[key] || level === "g1") { at[key] = { level: level, latlng: shown.getLatLng() }; }
    });
    Object.keys(at).forEach(function (key) {
      var mark = L.marker(at[key].latlng, ring("cr-beacon cr-beacon-" + at[key].level, "alerts"));
      mark.addTo(beacons);
    });
  }

  function refreshSelection() {
    var id = page.selected, shown = id === null ? null : Incidents.shownAt(id);
    if (!shown) {
      if (selection) { page.map.removeLayer(selection); selection = null; }
      return;
    }
    if (!selection) {
      selection = L.marker(shown.getLatLng(), ring("cr-selected", "highlight")).addTo(page.map);
    } else {
      selection.setLatLng(shown.getLatLng());
    }
  }

  /* Place every mark again (after a move, a zoom, a cluster opening or closing, a change). */
  function refresh() {
    if (!page) { return; }
    refreshBeacons();
    refreshSelection();
  }

  /* What tests read: each beacon's level and pane, and where the selection ring is. */
  function describe() {
    var list = [];
    beacons.eachLayer(function (mark) {
      var node = mark.getElement();
      list.push({ level: node.classList.contains("cr-beacon-g1") ? "g1" : "g2", pane: mark.options.pane });
    });
    var ringAt = selection ? page.map.latLngToContainerPoint(selection.getLatLng()) : null;
    return { beacons: list, selection: ringAt ? { x: ringAt.x, y: ringAt.y } : null };
  }

  window.controlroomMarks = { init: init, refresh: refresh, describe: describe };
}());
