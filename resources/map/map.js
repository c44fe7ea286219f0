/* controlroom map page: boots the map, applies the bridge's messages, keeps the view.
 *
 * The page is built once by Python (folium) and then only ever updated through
 * the QWebChannel bridge with JSON messages. Everything shown that a person typed
 * (summaries, places, venue names, callsigns) goes in with textContent, never innerHTML.
 * The other scripts each draw one thing and share this page's state: incidents.js (the
 * clustered incidents), overlays.js (venues, units, flags, zones), popups.js, labels.js
 * (names that never overlap) and legend.js.
 *
 * Stacking, bottom to top (panes): zones 380, streets 400, labels 450, venues 590,
 * units 600, incidents and their clusters 610, safe spaces 660, flags 670, alert beacons
 * 680, the selection ring 685, the picked point 690, popups 700. Units stand under
 * incidents (a callsign never hides an incident); flags and safe spaces are never hidden
 * under incidents and stand above their point (anchored at their foot), so an incident at
 * the same place stays visible below them; the rings of alerting incidents (marks.js) are
 * hollow and above everything, so a new Grade 1 is never under anything.
 */
(function () {
  "use strict";

  /* Every colour is one of the --cr-* custom properties the page declares from
     ui/common/theme.py, read once at boot (a read per marker would recompute styles). */
  var COLOURS = {};
  var PALETTE = ["grade-1", "grade-2", "grade-3", "grade-4", "grade-u", "marker-outline",
    "venue-edge", "venue-fill", "zone", "drawing", "park-edge", "park-fill", "street", "muted"];

  // Fractional zoom: the overview fills the pane instead of snapping down a whole level
  // (which left it a quarter of the pane). One step of the + and - buttons and keys is one
  // zoom level, with or without Shift (Leaflet triples a step with Shift, and "+" is Shift+=
  // on most keyboards: one press went from 1 km to 100 m).
  var ZOOM_SNAP = 0.1, ZOOM_STEP = 1, OVERVIEW_PADDING_PX = 12, MAX_ZOOM = 19;
  // Below this zoom the names of ordinary venues give way to streets and safe spaces
  // (at the overview there are more venues than room for their names).
  var VENUE_NAMES_FROM_ZOOM = 16;
  // Below this zoom (the whole area in a docked pane) units are small shapes without their
  // callsign and safe spaces shrink again: a pane of 500 x 220 px has no room for them and
  // the incidents too. The callsign is in the unit's popup and the Units board.
  var UNIT_CALLSIGNS_FROM_ZOOM = 15;
  // A target within this share of the view's edge counts as out of view (it may be under a control).
  var VIEW_MARGIN = -0.05;
  var PANES = { zones: 380, labels: 450, venues: 590, units: 600, incidents: 610,
    safeSpaces: 660, flags: 670, alerts: 680, highlight: 685, pin: 690 };

  function readColours() {
    var style = window.getComputedStyle(document.documentElement);
    PALETTE.forEach(function (name) { COLOURS[name] = style.getPropertyValue("--cr-" + name).trim(); });
  }

  var Labels = window.controlroomLabels, Popups = window.controlroomPopups;
  var Incidents = window.controlroomIncidents, Overlays = window.controlroomOverlays;
  var Marks = window.controlroomMarks, Cameras = window.controlroomCameras;
  var Hotspots = window.controlroomHotspots;

  var state = {
    map: null, bridge: null, legend: null, relabel: function () {}, colours: COLOURS,
    layers: {}, incidents: {}, venues: {}, units: {}, flags: {}, zones: {}, drawing: null, streets: 0,
    openIncident: null, popupKind: null, brief: null, selected: null, moving: false, alerting: {}, alertCount: 0,
    // overviewHeld: the operator has not moved the map since the overview was shown, so a
    // pane that resizes (docks moving, the text growing) fits the overview again.
    overviewBounds: null, overviewView: null, overviewWanted: true, overviewHeld: true, fitting: false, pin: null,
    // Venue ids whose safe-space status this console may set; null: every safe space.
    safeSpaceEditable: null
  };

  /* -- the picked point (the new-incident form's "Where") ------------------------------ */

  function showPin(lat, lon) {
    clearPin();
    state.pin = L.marker([lat, lon], {
      pane: "pin", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "cr-pin", html: "<span class=\"cr-pin-head\"></span>", iconSize: [0, 0] })
    }).addTo(state.layers.pin);
    return true;
  }

  function clearPin() {
    if (state.pin) { state.layers.pin.removeLayer(state.pin); state.pin = null; }
    return true;
  }

  function refreshTimes() {
    // Positions go stale, flags expire and zones count down with the clock, not with a message.
    Overlays.refreshTimes();
    state.relabel();
  }

  function clearAll() {
    state.layers.incidents.clearLayers();
    state.layers.venues.clearLayers();
    state.layers.safeSpaces.clearLayers();
    state.layers.units.clearLayers();
    state.layers.flags.clearLayers();
    Object.keys(state.zones).forEach(function (id) { state.layers.zones.removeLayer(state.zones[id].shape); });
    state.zones = {};
    state.incidents = {};
    state.venues = {};
    state.units = {};
    state.flags = {};
  }

  /* -- the view: overview, selecting, centring ------------------------------------------ */

  function inView(latlng) {
    return state.map.getBounds().pad(VIEW_MARGIN).contains(latlng);
  }

  /* Home: back to the whole operating area, popups closed and fanned-out clusters folded. */
  function showOverview() {
    state.map.closePopup();
    state.layers.incidents.unspiderfy();
    return fitOverview();
  }

  /* The whole operating area (streets and venues), fitted to the pane at a fractional zoom. */
  function fitOverview() {
    var map = state.map, bounds = state.overviewBounds;
    if (!bounds || !bounds.isValid()) { return false; }
    var size = map.getSize();
    state.overviewWanted = !size.x || !size.y;  // a hidden pane: fit once it has a size
    state.overviewHeld = true;
    if (state.overviewWanted) { return true; }
    state.fitting = true;
    try {
      map.fitBounds(bounds, { padding: [OVERVIEW_PADDING_PX, OVERVIEW_PADDING_PX], animate: false });
    } finally {
      state.fitting = false;
    }
    state.overviewView = { centre: map.getCenter(), zoom: map.getZoom() };
    return true;
  }

  /* Whether the operator is still looking at the overview (nothing panned or zoomed since). */
  function atOverview() {
    var view = state.overviewView, map = state.map;
    if (!view || Math.abs(map.getZoom() - view.zoom) > 1e-6) { return false; }
    var centre = map.latLngToContainerPoint(view.centre), half = map.getSize().divideBy(2);
    return Math.abs(centre.x - half.x) <= 2 && Math.abs(centre.y - half.y) <= 2;
  }

  /* Pan (never zoom) so the point is in view, then call done; at once if it already is. */
  function bringIntoView(latlng, done) {
    if (inView(latlng)) { done(); return; }
    state.map.once("moveend", done);
    state.map.panTo(latlng);
  }

  /* Select (a row in the list): keep the zoom, pan only if the incident is out of view, fan
     out its cluster, ring it and open a brief popup. The full popup is for a click on the
     marker, or Enter on the map: at 1366 wide it would cover half the pane. */
  function select(id) {
    var entry = state.incidents[id];
    if (!entry) { return false; }
    var group = state.layers.incidents;
    if (!state.map.hasLayer(group)) { state.legend.toggle("incidents"); }
    state.selected = id;
    bringIntoView(L.latLng(entry.data.lat, entry.data.lon), function () { showBrief(id); });
    return true;
  }

  function showBrief(id) {
    var entry = state.incidents[id], shown = Incidents.reveal(id);
    Marks.refresh();
    if (!entry || !shown) { return; }
    var brief = L.popup({
      className: "cr-popup-wrap cr-popup-compact", autoPan: false, closeButton: false,
      maxWidth: 260, minWidth: 0, offset: [0, -8]
    }).setLatLng(shown.getLatLng()).setContent(Popups.compact(entry.data));
    brief.crIncident = id;
    state.brief = brief;
    brief.openOn(state.map);
    state.openIncident = id;
    state.popupKind = "brief";
  }

  function onPopupClose(e) {
    if (e.popup === state.brief) {
      state.brief = null;
      if (state.popupKind === "brief") { state.openIncident = null; state.popupKind = null; }
    }
  }

  function centreOnce(id) {
    var entry = state.incidents[id];
    if (!entry) { return false; }
    bringIntoView(L.latLng(entry.data.lat, entry.data.lon), function () {});
    return true;
  }

  function apply(message) {
    var msg = typeof message === "string" ? JSON.parse(message) : message;
    var changes = Incidents.batch();
    if (msg.type === "reset") {
      clearAll();
      msg.venues.forEach(Overlays.upsertVenue);
      msg.incidents.forEach(function (inc) { Incidents.upsert(inc, changes); });
      (msg.units || []).forEach(Overlays.upsertUnit);
      (msg.flags || []).forEach(Overlays.upsertFlag);
      (msg.zones || []).forEach(Overlays.upsertZone);
      Incidents.apply(changes);
      Cameras.reset(msg.cameras || []);
      widenOverview(msg.venues);
    } else if (msg.type === "diff") {
      msg.venues.forEach(Overlays.upsertVenue);
      msg.incidents.forEach(function (inc) { Incidents.upsert(inc, changes); });
      msg.removed_incidents.forEach(function (id) { Incidents.remove(id, changes); });
      (msg.units || []).forEach(Overlays.upsertUnit);
      (msg.flags || []).forEach(Overlays.upsertFlag);
      (msg.zones || []).forEach(Overlays.upsertZone);
      Incidents.apply(changes);
      Cameras.diff(msg.cameras || [], msg.removed_cameras || []);
    } else if (msg.type === "camera_coverage") {
      Cameras.setCoverage(msg);
    } else if (msg.type === "hotspots") {
      Hotspots.set(msg);
    } else if (msg.type === "draw") {
      Overlays.startDrawing(msg.points);
    } else if (msg.type === "draw_undo") {
      Overlays.undoCorner();
    } else if (msg.type === "draw_stop") {
      Overlays.stopDrawing();
    } else if (msg.type === "alerts") {
      Incidents.setAlerting(msg.ids);
    } else {
      viewMessage(msg);
      return;  // nothing drawn changed: no counts to report
    }
    Marks.refresh();
    state.relabel();
    if (state.bridge) { state.bridge.layersDrawn(JSON.stringify(counts())); }
  }

  /* Messages that change what the operator looks at, not what is on the map. */
  function viewMessage(msg) {
    if (msg.type === "select") {
      select(msg.id);
    } else if (msg.type === "centre") {
      centreOnce(msg.id);
    } else if (msg.type === "overview") {
      showOverview();
    } else if (msg.type === "pin") {
      showPin(msg.lat, msg.lon);
    } else if (msg.type === "pin_clear") {
      clearPin();
    } else if (msg.type === "scale") {
      setLabelScale(msg.factor);
    } else if (msg.type === "camera_select") {
      Cameras.select(msg.id);
    }
  }

  /* Venues outside the street layer widen the overview (refitted only if it is on screen). */
  function widenOverview(venues) {
    if (!venues.length || !state.overviewBounds) { return; }
    var wider = L.latLngBounds(state.overviewBounds.getSouthWest(), state.overviewBounds.getNorthEast());
    venues.forEach(function (v) { wider.extend([v.lat, v.lon]); });
    if (wider.equals(state.overviewBounds)) { return; }
    var refit = state.overviewHeld || state.overviewWanted;
    state.overviewBounds = wider;
    if (refit) { fitOverview(); }
  }

  function setLabelScale(factor) {
    Labels.setScale(state.map, factor);
    state.legend.fit();  // bigger text, a bigger legend: it may have to fold
    // The window's docks resize with the text; the resize refits a held overview. Refit now
    // too, for a pane whose size did not change.
    if (state.overviewHeld) { fitOverview(); }
    state.relabel();
    return true;
  }

  function counts() {
    var safe = 0, plain = 0;
    Object.keys(state.venues).forEach(function (k) {
      if (state.venues[k].data.is_safe_space) { safe += 1; } else { plain += 1; }
    });
    return {
      incidents: Object.keys(state.incidents).length,
      venues: plain, safeSpaces: safe, streets: state.streets,
      units: Object.keys(state.units).length, flags: Object.keys(state.flags).length,
      zones: Object.keys(state.zones).length, cameras: Cameras.count()
    };
  }

  function addStreets(geojson, labels) {
    var layer = L.geoJSON(geojson, {
      style: function (f) {
        return f.properties.kind === "park"
          ? { color: COLOURS["park-edge"], weight: 1, fillColor: COLOURS["park-fill"], fillOpacity: 0.55 }
          : { color: COLOURS.street, weight: 6, opacity: 0.9, lineCap: "round" };
      },
      interactive: false
    });
    layer.eachLayer(function (feature) {
      if (feature.feature.properties.kind !== "park") { state.streets += 1; }
    });
    layer.addTo(state.layers.streets);
    Labels.addPlaceLabels(state.layers.streets, labels);
    state.overviewBounds = layer.getBounds();
  }

  /* -- the legend: every layer, its key, a check box ----------------------------------- */

  function legendEntries() {
    var L_ = state.layers;
    function keys(list) {
      return list.map(function (k) { return { swatch: k[0], mark: k[1], text: k[2] }; });
    }
    return [
      { id: "incidents", title: "Incidents", layer: L_.incidents, keys: keys([
        ["cr-dot cr-grade-1", "", "G1"], ["cr-dot cr-grade-2", "", "G2"], ["cr-dot cr-grade-3", "", "G3"],
        ["cr-dot cr-grade-4", "", "G4"], ["cr-dot cr-grade-u", "", "Ungraded"],
        ["cr-key-cluster", "3", "one place"],
        ["cr-key-ring cr-key-ring-g1", "", "G1 alert"], ["cr-key-ring cr-key-ring-g2", "", "G2 alert"]]) },
      { id: "safeSpaces", title: "Safe spaces", layer: L_.safeSpaces, keys: keys([
        ["cr-safe-key cr-safe-open", "S", "open"], ["cr-safe-key cr-safe-full", "S", "full"],
        ["cr-safe-key cr-safe-closed", "S", "closed"]]) },
      { id: "venues", title: "Venues", layer: L_.venues, keys: keys([["cr-venue-key", "", ""]]) },
      { id: "units", title: "Units", layer: L_.units, keys: keys([
        ["cr-key-unit cr-unit-police", "", "police"], ["cr-key-unit cr-unit-partner", "", "partner"],
        ["cr-key-status cr-unit-available", "", "available"], ["cr-key-status cr-unit-en_route", "", "en route"],
        ["cr-key-status cr-unit-on_scene", "", "on scene"], ["cr-key-status cr-unit-busy", "", "busy"],
        ["cr-key-status cr-unit-refreshment", "", "refreshment"]]) },
      { id: "flags", title: "Flags", layer: L_.flags, keys: keys([["cr-key-flag", "⚑", ""]]) },
      { id: "zones", title: "s.34 zones", layer: L_.zones, keys: keys([["cr-key-zone", "", ""]]) },
      { id: "cameras", title: "Cameras", layer: L_.cameras, keys: keys([
        ["cr-key-cam", "12", "camera"], ["cr-key-cone cr-key-cam-view", "", "view"],
        ["cr-key-cone cr-key-cam-preset", "", "preset"], ["cr-key-cam cr-key-cam-off", "12", "faulty/offline"],
        ["cr-key-cone cr-key-cam-active", "", "tasked"]]) },
      { id: "cameraGaps", title: "Camera gaps", layer: L_.cameraGaps, keys: keys([["cr-key-gap", "", "street no camera sees"]]) },
      Hotspots.legendEntry(),
      { id: "streets", title: "Streets, parks", layer: L_.streets, keys: keys([
        ["cr-key-street", "", "street"], ["cr-key-park", "", "park"]]) },
      { id: "pin", title: "Picked point", layer: L_.pin, keys: keys([["cr-key-pin", "", ""]]) }
    ];
  }

  function createPanes(map) {
    Object.keys(PANES).forEach(function (name) { map.createPane(name).style.zIndex = PANES[name]; });
    // Names never take a click meant for a marker or the map under them.
    map.getPane("labels").style.pointerEvents = "none";
  }

  function createLayers(map) {
    state.layers.streets = L.layerGroup().addTo(map);
    state.layers.zones = L.layerGroup().addTo(map);
    state.layers.venues = L.layerGroup().addTo(map);
    state.layers.incidents = Incidents.createGroup(state).addTo(map);
    state.layers.units = L.layerGroup().addTo(map);
    state.layers.safeSpaces = L.layerGroup().addTo(map);
    state.layers.flags = L.layerGroup().addTo(map);
    state.layers.pin = L.layerGroup().addTo(map);
  }

  /* Alerting incidents blink (see map.css) by class flips on the map, only while something
     alerts: a Grade 1's ring every 250 ms, a Grade 2's every 500 ms. A CSS animation would
     redraw every marker of the overlay at frame rate. */
  function startBlinking(map) {
    var tick = 0;
    window.setInterval(function () {
      var container = map.getContainer(), any = state.alertCount > 0;
      tick += 1;
      container.classList.toggle("cr-blink-fast", any && !container.classList.contains("cr-blink-fast"));
      if (tick % 2 === 0) {
        container.classList.toggle("cr-blink", any && !container.classList.contains("cr-blink"));
      }
    }, 250);
  }

  function listen(map) {
    map.on("click", function (e) {
      if (state.drawing) { Overlays.addCorner(e.latlng); Overlays.sendDrawing(); return; }
      if (state.bridge) { state.bridge.mapClicked(e.latlng.lat, e.latlng.lng); }
    });
    map.on("movestart zoomstart", function () {
      state.moving = true;
      if (!state.fitting) { state.overviewHeld = false; }
    });
    map.on("moveend zoomend", function () { state.moving = false; Marks.refresh(); state.relabel(); });
    map.on("popupclose", onPopupClose);
    state.layers.incidents.on("spiderfied unspiderfied animationend", function () { Marks.refresh(); state.relabel(); });
    map.on("zoomend", function () { showZoomClass(map); });
    map.on("layeradd layerremove", function (e) { if (e.layer instanceof L.LayerGroup) { state.relabel(); } });
    // A pane that grows or shrinks keeps the overview filled, unless the operator moved away from it.
    map.on("resize", function () {
      if (state.overviewWanted || state.overviewHeld) { fitOverview(); }
      state.relabel();
    });
    listenKeys(map);
    listenFocus(map);
  }

  /* Keys: Home anywhere in the page (the map, the legend) goes back to the overview; on the
     map itself + and - zoom one step (Shift or not) and Enter opens the selected incident's
     full popup. Caught in the capture phase, before Leaflet's own key handler. */
  function listenKeys(map) {
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      var onMap = document.activeElement === map.getContainer(), step = 0;
      if (e.key === "Home" && !e.shiftKey) {
        showOverview();
      } else if (onMap && (e.key === "+" || e.key === "=")) {
        step = ZOOM_STEP;
      } else if (onMap && (e.key === "-" || e.key === "_")) {
        step = -ZOOM_STEP;
      } else if (onMap && e.key === "Enter" && state.selected !== null && state.incidents[state.selected]) {
        Incidents.openPopup(state.selected);
      } else {
        return;
      }
      if (step) { map.setZoom(map.getZoom() + step); }
      L.DomEvent.stop(e);
    }, true);
  }

  /* A focus ring on the map while the page has the keyboard (F6 reaching the pane): the
     page's window gains focus, the map container takes it so its keys work. */
  function listenFocus(map) {
    var container = map.getContainer();
    function show() {
      var focused = document.hasFocus();
      container.classList.toggle("cr-page-focused", focused);
      if (focused && (document.activeElement === document.body || !document.activeElement)) {
        container.focus({ preventScroll: true });
      }
    }
    window.addEventListener("focus", show);
    window.addEventListener("blur", show);
    show();
  }

  /* The + and - buttons: one step each, Shift or not (made at boot: Leaflet loads after this script). */
  function stepZoomControl() {
    var StepZoom = L.Control.Zoom.extend({
      _zoomIn: function () {
        if (!this._disabled && this._map.getZoom() < this._map.getMaxZoom()) { this._map.zoomIn(ZOOM_STEP); }
      },
      _zoomOut: function () {
        if (!this._disabled && this._map.getZoom() > this._map.getMinZoom()) { this._map.zoomOut(ZOOM_STEP); }
      }
    });
    return new StepZoom();
  }

  function showZoomClass(map) {
    map.getContainer().classList.toggle("cr-zoom-far", map.getZoom() < VENUE_NAMES_FROM_ZOOM);
    map.getContainer().classList.toggle("cr-zoom-overview", map.getZoom() < UNIT_CALLSIGNS_FROM_ZOOM);
  }

  function boot(map, options) {
    state.map = map;
    readColours();
    Popups.init(state);
    Overlays.init(state);
    map.options.zoomSnap = ZOOM_SNAP;
    map.options.zoomDelta = ZOOM_STEP;
    if (map.zoomControl) {
      map.removeControl(map.zoomControl);
      map.zoomControl = stepZoomControl().addTo(map);
    }
    map.options.wheelPxPerZoomLevel = 120;
    // Without tiles the map has no maximum zoom of its own; the cluster group needs one.
    if (map.options.maxZoom === undefined) { map.options.maxZoom = MAX_ZOOM; }
    createPanes(map);
    createLayers(map);
    Cameras.init(state);
    Hotspots.init(state);
    Marks.init(state);
    state.relabel = Labels.scheduler(map);
    listen(map);
    startBlinking(map);
    window.setInterval(refreshTimes, 30000);
    if (options.streets) { addStreets(options.streets, options.labels); }
    showOverview();
    showZoomClass(map);
    state.legend = window.controlroomLegend.addLegend(map, legendEntries(), function () { state.relabel(); });
    state.relabel();
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") { return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      state.bridge = channel.objects.bridge;
      state.bridge.sig_message_pushed.connect(apply);
      state.bridge.pageReady();
    });
  }

  /* -- what Python and the tests read ---------------------------------------------------- */

  function openIncident() { return state.openIncident; }

  /* "brief" (selected from the list), "full" (clicked, or Enter) or null. */
  function popupKind() { return state.openIncident === null ? null : state.popupKind; }

  function openVenue(id) {
    var entry = state.venues[id];
    if (!entry) { return false; }
    entry.marker.openPopup();
    return true;
  }

  function closePopups() { state.map.closePopup(); return true; }

  function isMoving() { return state.moving; }

  function containerPoint(latlng) {
    var p = state.map.latLngToContainerPoint(latlng);
    return { x: p.x, y: p.y };
  }

  /* Where an incident's marker is on screen (for tests that click it for real). */
  function incidentPoint(id) {
    var entry = state.incidents[id];
    return entry ? containerPoint(entry.marker.getLatLng()) : null;
  }

  /* Which safe spaces this console's role may set (a partner: its own venues). */
  function setSafeSpaceEditable(ids) {
    state.safeSpaceEditable = ids;
    Object.keys(state.venues).forEach(function (id) {
      var entry = state.venues[id];
      entry.marker.setPopupContent(Popups.venue(entry.data));
    });
    return true;
  }

  function view() {
    var c = state.map.getCenter(), b = state.map.getBounds();
    return { zoom: state.map.getZoom(), centre: [c.lat, c.lng], atOverview: atOverview(),
      bounds: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()] };
  }

  /* The overview's box in pixels of the map pane, and the pane's size. */
  function overviewBox() {
    var b = state.overviewBounds, size = state.map.getSize();
    var sw = state.map.latLngToContainerPoint(b.getSouthWest()), ne = state.map.latLngToContainerPoint(b.getNorthEast());
    return { width: ne.x - sw.x, height: sw.y - ne.y, paneWidth: size.x, paneHeight: size.y };
  }

  window.controlroom = {
    boot: boot, setSafeSpaceEditable: setSafeSpaceEditable, apply: apply, counts: counts, select: select,
    openIncident: openIncident, popupKind: popupKind, incidentPoint: incidentPoint,
    selected: function () { return state.selected; }, marks: function () { return Marks.describe(); },
    overviewHeld: function () { return state.overviewHeld; },
    closePopups: closePopups, isMoving: isMoving, flashing: Incidents.flashing,
    openVenue: openVenue, showOverview: showOverview, view: view, overviewBox: overviewBox,
    setView: function (lat, lon, zoom) { state.map.setView([lat, lon], zoom, { animate: false }); return true; },
    showPin: showPin, clearPin: clearPin, setLabelScale: setLabelScale,
    pin: function () { if (!state.pin) { return null; } var ll = state.pin.getLatLng(); return [ll.lat, ll.lng]; },
    legend: function () { return state.legend.layers(); },
    legendNote: function (id) { return state.legend.noteText(id); },
    hotspots: function () { return Hotspots.describe(); },
    toggleLayer: function (id) { return state.legend.toggle(id); },
    declutter: function () { return Labels.declutter(state.map.getContainer()); },
    alertLevel: Incidents.alertLevel,
    unitPoint: function (id) {
      var e = state.units[id]; return e ? containerPoint(e.marker.getLatLng()) : null;
    },
    drawing: function () {
      return state.drawing ? state.drawing.points.map(function (p) { return [p.lat, p.lng]; }) : null;
    },
    zoneLabel: function (id) {
      var e = state.zones[id]; return e ? e.shape.getTooltip().getElement().textContent : null;
    },
    unitLatLng: function (id) {
      var e = state.units[id]; if (!e) { return null; }
      var ll = e.marker.getLatLng(); return [ll.lat, ll.lng];
    }
  };
}());
