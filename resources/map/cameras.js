/* controlroom map cameras: each camera's number, what it sees, and the street none sees.
 *
 * A camera is a small tag with its number, reached with Tab like any marker; Enter or a
 * click opens its details and presets. Its views are polygons Python worked out (the
 * British National Grid, each camera calibrated): a fixed camera's cone drawn plainly, a
 * PTZ or dome camera's presets faint and dashed, a faulty or offline camera's all grey. A
 * camera tasked to an incident stands out: its tag ringed white with the incident's
 * reference, the preset it was sent to drawn strong, and a dashed line to the incident.
 * One changed camera is one camera drawn again.
 *
 * The coverage-gap layer (off until the legend turns it on) draws the street no working
 * camera sees as red dashes; the legend's entry says the share of street that is seen.
 * Right-clicking the map asks Python which cameras can see that point.
 *
 * Stacking (panes): views 420 (above the streets, under every name and marker, never taking
 * a click), gaps 430, camera tags 595 (above venues, under units and incidents: a camera
 * never hides an incident).
 */
(function () {
  "use strict";

  var PANES = { cameraViews: 420, cameraGaps: 430, cameras: 595 };
  // The share of street seen, as the legend words it.
  var PERCENT = 100;

  var page = null;  // the map page's shared state (map.js): map, layers, incidents, bridge, legend
  var Popups = window.controlroomPopups;
  var drawn = {};  // camera id -> { data, marker, sectors: [polygon], tie: polyline or null }
  var gaps = { line: null, data: null };

  /* Every colour is a --cr-* property of the palette (ui/common/theme.py). CSS beats the
     presentation attributes Leaflet writes on each path, so one class styles a sector. */
  var CSS = [
    ".leaflet-marker-icon.cr-cam { overflow: visible; }",
    ".cr-cam-tag { position: absolute; left: 0; top: 0; transform: translate(-50%, -50%); display: flex;",
    "  flex-direction: column; align-items: center; gap: 2px; }",
    ".cr-cam-number { display: block; white-space: nowrap; padding: 1px 4px; border-radius: 3px;",
    "  background: var(--cr-camera); color: var(--cr-background); border: 1px solid var(--cr-background);",
    "  font-weight: bold; font-size: calc(11px * var(--map-text-scale)); line-height: 1.1; }",
    // The whole area in a docked pane: a small square without its number (as units lose their
    // callsign), or two dozen numbers would bury the incidents; the number is in its popup.
    ".cr-zoom-overview .cr-cam-number { font-size: 0; padding: 0; width: calc(6px * var(--map-text-scale));",
    "  height: calc(6px * var(--map-text-scale)); }",
    ".cr-zoom-overview .cr-cam-badge { display: none; }",
    ".cr-cam-off .cr-cam-number { background: var(--cr-camera-off); text-decoration: line-through; }",
    ".cr-cam-tasked .cr-cam-number { box-shadow: 0 0 0 2px var(--cr-camera-tasked); }",
    ".cr-cam-badge { white-space: nowrap; padding: 0 4px; border-radius: 3px; background: var(--cr-background);",
    "  color: var(--cr-camera-tasked); border: 1px solid var(--cr-camera-tasked);",
    "  font-size: calc(10px * var(--map-text-scale)); line-height: 1.2; unicode-bidi: isolate; }",
    ".leaflet-marker-icon.cr-cam:focus { outline: none; }",
    ".leaflet-marker-icon.cr-cam:focus .cr-cam-number { outline: 2px solid var(--cr-accent); outline-offset: 1px; }",
    "path.cr-cam-sector { stroke-width: 1px; fill-opacity: 1; stroke-opacity: 1; }",
    "path.cr-cam-view { stroke: var(--cr-camera); stroke-opacity: 0.55; fill: var(--cr-camera-fill); }",
    "path.cr-cam-preset { stroke: var(--cr-camera); stroke-opacity: 0.3; stroke-dasharray: 3 4;",
    "  fill: var(--cr-camera-preset-fill); }",
    "path.cr-cam-grey { stroke: var(--cr-camera-off); stroke-opacity: 0.45; stroke-dasharray: 2 5;",
    "  fill: var(--cr-camera-off-fill); }",
    "path.cr-cam-active { stroke: var(--cr-camera-tasked); stroke-width: 2px; stroke-opacity: 0.9;",
    "  stroke-dasharray: none; fill: var(--cr-camera-tasked-fill); }",
    "path.cr-cam-tie { stroke: var(--cr-camera-tasked); stroke-width: 1.5px; stroke-dasharray: 4 4; fill: none; }",
    "path.cr-cam-gap { stroke: var(--cr-coverage-gap); stroke-width: 3px; stroke-dasharray: 6 5;",
    "  stroke-linecap: butt; fill: none; stroke-opacity: 0.95; }",
    ".cr-key-cam { padding: 0 3px; border-radius: 3px; background: var(--cr-camera); color: var(--cr-background);",
    "  font-weight: bold; font-size: 0.85em; }",
    ".cr-key-cam.cr-key-cam-off { background: var(--cr-camera-off); text-decoration: line-through; }",
    ".cr-key-cone { width: 1.1em; height: 0.9em; clip-path: polygon(0 100%, 100% 0, 100% 100%); }",
    ".cr-key-cone.cr-key-cam-view { background: var(--cr-camera); opacity: 0.6; }",
    ".cr-key-cone.cr-key-cam-preset { background: var(--cr-camera); opacity: 0.25; }",
    ".cr-key-cone.cr-key-cam-active { background: var(--cr-camera-tasked); opacity: 0.8; }",
    ".cr-key-gap { width: 1.3em; height: 0; border-top: 3px dashed var(--cr-coverage-gap); }",
    ".cr-legend-note { flex-basis: 100%; color: var(--cr-text); }"
  ].join("\n");

  function init(shared) {
    page = shared;
    var map = page.map;
    Object.keys(PANES).forEach(function (name) { map.createPane(name).style.zIndex = PANES[name]; });
    // Views and gaps are drawn over the streets: a click goes through them to the map.
    map.getPane("cameraViews").style.pointerEvents = "none";
    map.getPane("cameraGaps").style.pointerEvents = "none";
    page.layers.cameras = L.layerGroup().addTo(map);
    page.layers.cameraGaps = L.layerGroup();  // off until the operator turns it on
    var style = document.createElement("style");
    style.textContent = CSS;
    document.head.appendChild(style);
    map.on("contextmenu", function (e) {
      if (page.bridge) { page.bridge.pointChosen(e.latlng.lat, e.latlng.lng); }
    });
  }

  /* -- one camera ------------------------------------------------------------------ */

  function sectorClass(c, sector) {
    if (c.tasked && sector.active) { return "cr-cam-active"; }
    if (c.greyed) { return "cr-cam-grey"; }
    return sector.preset === null ? "cr-cam-view" : "cr-cam-preset";
  }

  function icon(c) {
    var tag = Popups.el("span", "cr-cam-tag");
    tag.appendChild(Popups.el("span", "cr-cam-number", c.number));
    if (c.tasked) { tag.appendChild(Popups.el("span", "cr-cam-badge", "→ " + c.tasked.reference)); }
    return L.divIcon({
      className: "cr-cam cr-cam-" + c.status + (c.greyed ? " cr-cam-off" : "") + (c.tasked ? " cr-cam-tasked" : ""),
      html: tag,
      iconSize: [0, 0]  // the tag centres itself on the camera (CSS), whatever the number's length
    });
  }

  function viewText(v) {
    return Math.round(v.heading) + "°, " + Math.round(v.angle) + "° wide, " + Math.round(v.range_m) + " m";
  }

  function popup(c) {
    var box = Popups.el("div", "cr-popup");
    box.appendChild(Popups.el("div", "cr-popup-title", "Camera " + c.number + (c.name ? " · " + c.name : "")));
    Popups.row(box, "Status", c.status_label);
    c.faults.forEach(function (f) { Popups.row(box, "Fault", f); });
    Popups.row(box, "Type", c.kind_label);
    Popups.row(box, "Owner", c.owner_label);
    if (c.view) { Popups.row(box, "View", viewText(c.view)); }
    if (c.tasked) {
      Popups.row(box, "Tasked", c.tasked.reference + (c.tasked.preset ? ", preset " + c.tasked.preset : ""));
    }
    Popups.row(box, "Stream", c.has_stream ? "yes: call up from the Cameras panel" : "none: key the number into the video system");
    Popups.row(box, "Footage kept", c.retention_days + " days");
    if (c.presets.length) {
      box.appendChild(Popups.el("div", "cr-popup-label", "Presets"));
      var list = Popups.el("ol", "cr-cam-presets");
      c.presets.forEach(function (p) {
        var item = Popups.el("li", "", p.name);
        item.appendChild(Popups.el("span", "cr-popup-muted", " " + viewText(p)));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    return box;
  }

  function remove(id) {
    var entry = drawn[id];
    if (!entry) { return; }
    page.layers.cameras.removeLayer(entry.marker);
    entry.sectors.forEach(function (s) { page.layers.cameras.removeLayer(s); });
    if (entry.tie) { page.layers.cameras.removeLayer(entry.tie); }
    delete drawn[id];
  }

  function upsert(c) {
    var open = drawn[c.id] && drawn[c.id].marker.isPopupOpen();
    remove(c.id);
    var entry = { data: c, sectors: [], tie: null };
    c.sectors.forEach(function (sector) {
      var shape = L.polygon(sector.ring, {
        pane: "cameraViews", interactive: false, className: "cr-cam-sector " + sectorClass(c, sector)
      });
      shape.crPreset = sector.preset;
      entry.sectors.push(shape.addTo(page.layers.cameras));
    });
    entry.marker = L.marker([c.lat, c.lon], {
      icon: icon(c), pane: "cameras", keyboard: true, title: "Camera " + c.number, riseOnHover: true
    });
    entry.marker.bindPopup(popup(c), { className: "cr-popup-wrap", maxWidth: 320 });
    entry.marker.addTo(page.layers.cameras);
    drawn[c.id] = entry;
    tie(entry);
    if (open) { entry.marker.openPopup(); }
  }

  /* The dashed line from a tasked camera to its incident, where the page shows that incident. */
  function tie(entry) {
    var c = entry.data, incident = c.tasked && page.incidents[c.tasked.incident_id];
    if (entry.tie) { page.layers.cameras.removeLayer(entry.tie); entry.tie = null; }
    if (!incident) { return; }
    entry.tie = L.polyline([[c.lat, c.lon], [incident.data.lat, incident.data.lon]], {
      pane: "cameraViews", interactive: false, className: "cr-cam-tie"
    }).addTo(page.layers.cameras);
  }

  /* -- what map.js calls for each message --------------------------------------------- */

  function reset(cameras) {
    Object.keys(drawn).forEach(remove);
    cameras.forEach(upsert);
    page.legend.note("cameras", "Right-click the map: which cameras see that point");
  }

  function diff(cameras, removed) {
    cameras.forEach(upsert);
    removed.forEach(remove);
    // An incident that moved, came or went moves its ties (there are few tasked cameras).
    Object.keys(drawn).forEach(function (id) { if (drawn[id].data.tasked) { tie(drawn[id]); } });
  }

  function setCoverage(msg) {
    if (gaps.line) { page.layers.cameraGaps.removeLayer(gaps.line); }
    gaps.data = msg;
    gaps.line = L.polyline(msg.gaps, { pane: "cameraGaps", interactive: false, className: "cr-cam-gap" });
    gaps.line.addTo(page.layers.cameraGaps);
    var seen = Math.round(msg.share * PERCENT);
    page.legend.note("cameraGaps", seen + "% of street seen by a working camera");
  }

  /* Bring a camera into view and give its tag the keyboard: Enter opens its popup. */
  function select(id) {
    var entry = drawn[id];
    if (!entry) { return false; }
    if (!page.map.hasLayer(page.layers.cameras)) { page.legend.toggle("cameras"); }
    var at = entry.marker.getLatLng();
    if (!page.map.getBounds().pad(-0.05).contains(at)) { page.map.panTo(at, { animate: false }); }
    var element = entry.marker.getElement();
    if (element) { element.focus({ preventScroll: true }); }
    return true;
  }

  /* -- what the tests and layersDrawn read --------------------------------------------- */

  function count() { return Object.keys(drawn).length; }

  function describe() {
    var cameras = {};
    Object.keys(drawn).forEach(function (id) {
      var entry = drawn[id], element = entry.marker.getElement();
      cameras[id] = {
        number: entry.data.number, status: entry.data.status, stamp: L.stamp(entry.marker),
        greyed: !!element && element.classList.contains("cr-cam-off"),
        tasked: entry.data.tasked ? entry.data.tasked.reference : null, tied: !!entry.tie,
        sectors: entry.sectors.map(function (s) {
          var path = s.getElement();
          return { preset: s.crPreset, cls: path ? path.getAttribute("class") : null, points: s.getLatLngs()[0].length };
        })
      };
    });
    var focused = null;
    Object.keys(drawn).forEach(function (id) { if (drawn[id].marker.getElement() === document.activeElement) { focused = Number(id); } });
    var open = null;
    Object.keys(drawn).forEach(function (id) { if (drawn[id].marker.isPopupOpen()) { open = Number(id); } });
    return {
      cameras: cameras, shown: page.map.hasLayer(page.layers.cameras), focused: focused, open: open,
      gaps: {
        shown: page.map.hasLayer(page.layers.cameraGaps),
        lines: gaps.data ? gaps.data.gaps.length : 0,
        drawn: !!(gaps.line && gaps.line.getElement()),
        share: gaps.data ? gaps.data.share : null
      }
    };
  }

  function popupText(id) {
    var entry = drawn[id];
    if (!entry) { return null; }
    var content = entry.marker.getPopup().getContent();
    return { text: content.textContent, html: content.innerHTML };
  }

  window.controlroomCameras = {
    init: init, reset: reset, diff: diff, setCoverage: setCoverage, select: select, count: count,
    describe: describe, popupText: popupText
  };
}());
