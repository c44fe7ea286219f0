/* controlroom map hotspots: where a report's incidents concentrate, as a kernel density grid.
 *
 * Python sends the grid the Reports dock worked out (controlroom.reports.hotspots): each
 * cell is a ring of latitude and longitude (a square on the British National Grid) with
 * its density as a share of the densest cell (0..1); cells too faint to matter were left
 * out before sending. A cell is drawn plainly, its opacity following its density, so the
 * densest places read first and the streets stay visible under the faint ones.
 *
 * The layer is off until the legend turns it on; the legend line names the method and the
 * bandwidth ("Hotspots · kernel density, 150 m bandwidth") once a grid arrives, in the
 * note under its key: the name column stays narrow (a long name widened the legend's
 * first column and pushed every layer's keys out of sight). A new grid replaces the old
 * one whole (a report is computed whole, never by parts).
 *
 * Stacking (panes): 410, above the streets and parks, under the camera views and every
 * name and marker; it never takes a click.
 */
(function () {
  "use strict";

  var PANE = "hotspots", PANE_Z = 410;
  // The densest cell's opacity: the street names under it must still read.
  var MAX_OPACITY = 0.6, MIN_OPACITY = 0.08;
  var TITLE = "Hotspots";

  var page = null;  // the map page's shared state (map.js)
  var grid = { cells: [], bandwidth: null, boxes: [] };

  var CSS = [
    "path.cr-hotspot { fill: var(--cr-hotspot); stroke: none; }",
    ".cr-key-hotspot { width: 1.3em; height: 0.9em; background: linear-gradient(90deg,",
    "  transparent, var(--cr-hotspot)); }"
  ].join("\n");

  function init(shared) {
    page = shared;
    var map = page.map;
    map.createPane(PANE).style.zIndex = PANE_Z;
    map.getPane(PANE).style.pointerEvents = "none";
    page.layers.hotspots = L.layerGroup();  // off until the operator turns it on
    var style = document.createElement("style");
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  function method(bandwidth) {
    return bandwidth === null ? "" : "kernel density, " + Math.round(bandwidth) + " m bandwidth";
  }

  /* A new grid: {cells: [[[[lat, lon], ...], share of peak 0..1], ...], bandwidth_m, note}. */
  function set(msg) {
    page.layers.hotspots.clearLayers();
    grid.cells = msg.cells || [];
    grid.bandwidth = typeof msg.bandwidth_m === "number" ? msg.bandwidth_m : null;
    grid.boxes = grid.cells.map(function (c) {
      var opacity = MIN_OPACITY + (MAX_OPACITY - MIN_OPACITY) * Math.max(0, Math.min(1, c[1]));
      return L.polygon(c[0], {
        pane: PANE, interactive: false, className: "cr-hotspot", stroke: false, fillOpacity: opacity
      }).addTo(page.layers.hotspots);
    });
    page.legend.note("hotspots", [method(grid.bandwidth), msg.note || ""].filter(Boolean).join(" · "));
  }

  function legendEntry() {
    return { id: "hotspots", title: TITLE, layer: page.layers.hotspots,
      keys: [{ swatch: "cr-key-hotspot", mark: "", text: "more incidents" }] };
  }

  /* What the tests read. */
  function describe() {
    return {
      shown: page.map.hasLayer(page.layers.hotspots),
      cells: grid.cells.length,
      drawn: grid.boxes.filter(function (b) { return !!b.getElement(); }).length,
      bandwidth: grid.bandwidth,
      title: page.legend.titleText("hotspots"),
      note: page.legend.noteText("hotspots")
    };
  }

  window.controlroomHotspots = { init: init, set: set, legendEntry: legendEntry, describe: describe };
}());
