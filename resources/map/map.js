/* controlroom map page: streets, venues, safe spaces, incidents, units, flags and s.34 zones.
 *
 * The page is built once by Python (folium) and then only ever updated through
 * the QWebChannel bridge with JSON messages. Everything shown that a person typed
 * (summaries, places, venue names, callsigns) goes in with textContent, never innerHTML.
 *
 * Stacking, bottom to top (panes): zones 380, streets 400, labels 450, venues 590,
 * incidents and their clusters 610, units 640, safe spaces 660, flags 670, the picked
 * point 690, popups 700. Flags and safe spaces are never hidden under incidents; safe
 * spaces and flags stand above their point (anchored at their foot), so an incident
 * at the same place stays visible below them.
 */
(function () {
  "use strict";

  /* Every colour is one of the --cr-* custom properties the page declares from
     ui/common/theme.py, read once at boot (a read per marker would recompute styles). */
  var COLOURS = {};
  var PALETTE = ["grade-1", "grade-2", "grade-3", "grade-4", "grade-u", "marker-outline",
    "venue-edge", "venue-fill", "zone", "drawing", "park-edge", "park-fill", "street", "muted"];

  // Fractional zoom: the overview fills the pane instead of snapping down a whole level
  // (which left it a quarter of the pane).
  var ZOOM_SNAP = 0.1, ZOOM_DELTA = 0.5, OVERVIEW_PADDING_PX = 12, MAX_ZOOM = 19;
  // Markers closer than this (in pixels) would overlap: they are one cluster with a count.
  var CLUSTER_RADIUS_PX = 20;
  // A cluster fans out on click; a bigger one zooms to its place (a spiral of 200 helps nobody).
  var SPIDERFY_MAX = 40;
  // Below this zoom the names of ordinary venues give way to streets and safe spaces
  // (at the overview there are more venues than room for their names).
  var VENUE_NAMES_FROM_ZOOM = 16;
  // A target within this share of the view's edge counts as out of view (it may be under a control).
  var VIEW_MARGIN = -0.05;
  var PANES = { zones: 380, labels: 450, venues: 590, incidents: 610, units: 640,
    safeSpaces: 660, flags: 670, pin: 690 };

  function readColours() {
    var style = window.getComputedStyle(document.documentElement);
    PALETTE.forEach(function (name) { COLOURS[name] = style.getPropertyValue("--cr-" + name).trim(); });
  }

  var Labels = window.controlroomLabels;

  var state = {
    map: null, bridge: null, legend: null, relabel: function () {},
    layers: {}, incidents: {}, venues: {}, units: {}, flags: {}, zones: {}, drawing: null, streets: 0,
    openIncident: null, moving: false, alerting: {}, alertCount: 0,
    overviewBounds: null, overviewView: null, overviewWanted: true, pin: null,
    // Venue ids whose safe-space status this console may set; null: every safe space.
    safeSpaceEditable: null
  };

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

  function venuePopup(v) {
    var box = el("div", "cr-popup");
    box.appendChild(el("div", "cr-popup-title", v.name));
    row(box, "Type", v.kind_label);
    if (v.is_safe_space) { row(box, "Safe space", v.safe_space_status_label); }
    row(box, "Open", v.opening_hours);
    row(box, "Best Bar None", v.best_bar_none_label);
    row(box, "WAVE-trained staff", v.wave_trained ? "Yes" : "No");
    row(box, "Address", v.address);
    var editable = state.safeSpaceEditable === null || state.safeSpaceEditable.indexOf(v.id) >= 0;
    if (v.is_safe_space && editable) {
      var actions = el("div", "cr-popup-actions");
      ["open", "full", "closed"].forEach(function (status) {
        var button = el("button", "cr-safe-button cr-safe-" + status, status);
        button.disabled = v.safe_space_status === status;
        button.addEventListener("click", function () {
          if (state.bridge) { state.bridge.safeSpaceStatus(String(v.id), status); }
        });
        actions.appendChild(button);
      });
      box.appendChild(actions);
    }
    return box;
  }

  /* -- incidents: circle markers in a cluster group ---------------------------------- */

  function incidentStyle(inc) {
    var finished = inc.status === "resolved" || inc.status === "closed";
    return {
      pane: "incidents",
      radius: inc.grade === 1 ? 11 : 9,
      color: COLOURS["marker-outline"], weight: 2,
      fillColor: COLOURS["grade-" + (inc.grade || "u")],
      fillOpacity: finished ? 0.35 : 0.95,
      opacity: finished ? 0.5 : 1
    };
  }

  /* "g1" for an alerting Grade 1, "g2" for any other alerting incident, null otherwise. */
  function alertLevel(id) {
    var entry = state.incidents[id];
    if (!entry || !state.alerting[id]) { return null; }
    return entry.data.grade === 1 ? "g1" : "g2";
  }

  function markAlert(id) {
    var entry = state.incidents[id];
    var path = entry && entry.marker.getElement();
    if (!path) { return; }  // clustered and never drawn yet: marked when it is ("add")
    var level = alertLevel(id);
    path.classList.toggle("cr-flash", level !== null);
    path.classList.toggle("cr-flash-g1", level === "g1");
    path.classList.toggle("cr-flash-g2", level === "g2");
  }

  function clusterIcon(cluster) {
    var best = 5, alert = null;
    cluster.getAllChildMarkers().forEach(function (marker) {
      var entry = state.incidents[marker.crIncident];
      if (!entry) { return; }
      best = Math.min(best, entry.data.grade || 5);
      var level = alertLevel(marker.crIncident);
      if (level === "g1" || (level && !alert)) { alert = level; }
    });
    var top = best <= 4 ? String(best) : "u";
    // The count is a number from the cluster library, never typed text.
    return L.divIcon({
      className: "cr-cluster cr-cluster-" + top + (alert ? " cr-flash cr-flash-" + alert : ""),
      html: "<span class=\"cr-cluster-body\">" + Number(cluster.getChildCount()) + "</span>",
      iconSize: [0, 0]
    });
  }

  function newIncidentMarker(inc) {
    var marker = L.circleMarker([inc.lat, inc.lon], incidentStyle(inc));
    marker.crIncident = inc.id;
    marker.bindPopup(incidentPopup(inc), { maxWidth: 320, className: "cr-popup-wrap" });
    marker.on("popupopen", function () { state.openIncident = inc.id; });
    marker.on("popupclose", function () {
      if (state.openIncident === inc.id) { state.openIncident = null; }
    });
    marker.on("click", function () {
      if (state.bridge) { state.bridge.incidentClicked(String(inc.id)); }
    });
    // A clustered marker has no element until the cluster opens; mark it when it is drawn.
    marker.on("add", function () {
      marker.getElement().setAttribute("data-incident", String(inc.id));
      markAlert(inc.id);
    });
    return marker;
  }

  /* Changes to the cluster group are collected and applied in bulk (addLayers and
     removeLayers are chunked by the library; one call per message, not per incident). */
  function batch() { return { added: [], removed: [], restyled: [] }; }

  function upsertIncident(inc, changes) {
    var existing = state.incidents[inc.id];
    if (!existing) {
      var marker = newIncidentMarker(inc);
      state.incidents[inc.id] = { marker: marker, data: inc };
      changes.added.push(marker);
      return;
    }
    var moved = existing.data.lat !== inc.lat || existing.data.lon !== inc.lon;
    existing.data = inc;
    existing.marker.setStyle(incidentStyle(inc));
    existing.marker.setPopupContent(incidentPopup(inc));
    markAlert(inc.id);
    if (moved) {
      state.layers.incidents.removeLayer(existing.marker);
      existing.marker.setLatLng([inc.lat, inc.lon]);
      changes.added.push(existing.marker);
    } else {
      changes.restyled.push(existing.marker);
    }
  }

  function removeIncident(id, changes) {
    var existing = state.incidents[id];
    if (!existing) { return; }
    changes.removed.push(existing.marker);
    delete state.incidents[id];
  }

  function applyIncidentChanges(changes) {
    var group = state.layers.incidents;
    if (changes.removed.length) { group.removeLayers(changes.removed); }
    if (changes.added.length) { group.addLayers(changes.added); }
    // A grade or alert change shows on the cluster holding the marker (its colour, its ring).
    if (changes.restyled.length) { group.refreshClusters(changes.restyled); }
  }

  function setAlerting(ids) {
    var before = state.alerting, changed = {};
    state.alerting = {};
    ids.forEach(function (id) { state.alerting[id] = true; if (!before[id]) { changed[id] = true; } });
    Object.keys(before).forEach(function (id) { if (!state.alerting[id]) { changed[id] = true; } });
    state.alertCount = ids.length;
    var markers = [];
    Object.keys(changed).forEach(function (id) {
      markAlert(id);
      if (state.incidents[id]) { markers.push(state.incidents[id].marker); }
    });
    if (markers.length) { state.layers.incidents.refreshClusters(markers); }
  }

  function flashing() {
    return Object.keys(state.alerting).filter(function (id) { return !!state.incidents[id]; });
  }

  /* -- venues and safe spaces ------------------------------------------------------- */

  function safeIcon(v) {
    var status = v.safe_space_status || "open";
    return L.divIcon({
      className: "cr-safe cr-safe-" + status,
      html: "<span>S</span>",
      // Anchored at its foot, above the venue's point: an incident there stays visible below it.
      iconSize: [22, 22], iconAnchor: [11, 30]
    });
  }

  function upsertVenue(v) {
    var existing = state.venues[v.id];
    if (existing) {
      existing.layer.removeLayer(existing.marker);
      delete state.venues[v.id];
    }
    var marker, layer, kind;
    if (v.is_safe_space) {
      marker = L.marker([v.lat, v.lon], { icon: safeIcon(v), pane: "safeSpaces" });
      layer = state.layers.safeSpaces;
      kind = "safe";
    } else {
      marker = L.circleMarker([v.lat, v.lon], {
        pane: "venues", radius: 5, color: COLOURS["venue-edge"], weight: 1.5,
        fillColor: COLOURS["venue-fill"], fillOpacity: 0.9
      });
      layer = state.layers.venues;
      kind = "venue";
    }
    marker.bindTooltip(Labels.labelElement(kind, v.name), {
      permanent: true, interactive: false, pane: "labels", className: "cr-label-box", opacity: 1,
      direction: "right", offset: v.is_safe_space ? [12, -19] : [6, 0]
    });
    marker.bindPopup(venuePopup(v), { maxWidth: 300, className: "cr-popup-wrap" });
    marker.addTo(layer);
    state.venues[v.id] = { marker: marker, layer: layer, data: v };
  }

  /* -- units: a shape of their own (police: shield; partners: hexagon) with the callsign */

  var POLICE = { police_foot: true, police_vehicle: true, plain_clothes: true };
  var STALE_MS = 10 * 60 * 1000;

  function unitIcon(u) {
    var stale = !u.position_at || (Date.now() - Date.parse(u.position_at)) > STALE_MS;
    var shape = el("span", "cr-unit-shape");
    shape.appendChild(el("span", "cr-unit-body", u.callsign));
    return L.divIcon({
      className: "cr-unit cr-unit-" + (POLICE[u.kind] ? "police" : "partner") + " cr-unit-" + u.status +
        (stale ? " cr-unit-stale" : ""),
      html: shape,
      iconSize: [0, 0]  // the shape centres itself on the point (map.css), whatever the callsign's length
    });
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

  function upsertUnit(u) {
    var existing = state.units[u.id];
    if (existing) { state.layers.units.removeLayer(existing.marker); delete state.units[u.id]; }
    if (u.lat === null || u.lon === null || u.status === "off_duty") { return; }
    var marker = L.marker([u.lat, u.lon], { icon: unitIcon(u), draggable: true, pane: "units" });
    marker.bindPopup(unitPopup(u), { className: "cr-popup-wrap" });
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      if (state.bridge) { state.bridge.unitMoved(String(u.id), p.lat, p.lng); }
    });
    marker.addTo(state.layers.units);
    state.units[u.id] = { marker: marker, data: u };
  }

  /* -- flags -------------------------------------------------------------------------- */

  function flagPopup(f) {
    var box = el("div", "cr-popup");
    box.appendChild(el("div", "cr-popup-title", "Flag: " + f.behaviour_label));
    row(box, "Where", f.place);
    row(box, "Why", f.reason);
    row(box, "Until", new Date(f.expires_at).toLocaleTimeString());
    return box;
  }

  function upsertFlag(f) {
    var existing = state.flags[f.id];
    if (existing) { state.layers.flags.removeLayer(existing.marker); delete state.flags[f.id]; }
    if (!f.active || Date.parse(f.expires_at) <= Date.now()) { return; }
    var marker = L.marker([f.lat, f.lon], {
      icon: L.divIcon({ className: "cr-flag", html: "<span>⚑</span>", iconSize: [22, 22], iconAnchor: [4, 20] }),
      pane: "flags"
    });
    marker.bindPopup(flagPopup(f), { className: "cr-popup-wrap" });
    marker.addTo(state.layers.flags);
    state.flags[f.id] = { marker: marker, data: f };
  }

  /* -- s.34 dispersal zones: the authorised locality, with the time left in force ------ */

  function countdown(iso) {
    var minutes = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 60000));
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return (h ? h + "h " : "") + m + "m left";
  }

  function zoneLabel(z) {
    var box = Labels.labelElement("zone", "");
    box.appendChild(el("b", "", "s.34 " + z.name));
    box.appendChild(el("span", "", " · " + countdown(z.ends_at)));
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

  function upsertZone(z) {
    var existing = state.zones[z.id];
    if (existing) { state.layers.zones.removeLayer(existing.shape); delete state.zones[z.id]; }
    var now = Date.now();
    if (z.withdrawn || Date.parse(z.ends_at) <= now) { return; }
    var waiting = Date.parse(z.starts_at) > now;
    var shape = L.polygon(z.polygon, {
      pane: "zones", color: COLOURS.zone, weight: 3, dashArray: waiting ? "4 8" : "10 6",
      fillColor: COLOURS.zone, fillOpacity: waiting ? 0.04 : 0.12, interactive: true
    });
    shape.bindTooltip(zoneLabel(z), {
      permanent: true, direction: "center", className: "cr-label-box cr-zone-label", pane: "labels", opacity: 1
    });
    shape.bindPopup(zonePopup(z), { className: "cr-popup-wrap" });
    shape.addTo(state.layers.zones);
    state.zones[z.id] = { shape: shape, data: z };
  }

  /* Drawing a zone: each click adds a corner; corners drag to edit; the page sends
     every change to Python, which closes the polygon when the operator says so. */
  function startDrawing(points) {
    stopDrawing();
    state.drawing = { points: [], markers: [], shape: L.polygon([], {
      pane: "zones", color: COLOURS.drawing, weight: 3, fillColor: COLOURS.drawing, fillOpacity: 0.15
    }).addTo(state.layers.zones) };
    (points || []).forEach(function (p) { addCorner(L.latLng(p[0], p[1])); });
    state.map.getContainer().style.cursor = "crosshair";
    sendDrawing();
  }

  function addCorner(latlng) {
    var d = state.drawing;
    var index = d.points.length;
    var marker = L.marker(latlng, {
      draggable: true, zIndexOffset: 900, pane: "pin",
      icon: L.divIcon({ className: "cr-corner", html: "<span>" + (index + 1) + "</span>", iconSize: [18, 18], iconAnchor: [9, 9] })
    });
    marker.on("drag", function () { d.points[index] = marker.getLatLng(); d.shape.setLatLngs(d.points); });
    marker.on("dragend", sendDrawing);
    marker.addTo(state.layers.zones);
    d.points.push(latlng);
    d.markers.push(marker);
    d.shape.setLatLngs(d.points);
  }

  function undoCorner() {
    var d = state.drawing;
    if (!d || !d.points.length) { return; }
    state.layers.zones.removeLayer(d.markers.pop());
    d.points.pop();
    d.shape.setLatLngs(d.points);
    sendDrawing();
  }

  function stopDrawing() {
    var d = state.drawing;
    if (!d) { return; }
    d.markers.forEach(function (m) { state.layers.zones.removeLayer(m); });
    state.layers.zones.removeLayer(d.shape);
    state.drawing = null;
    state.map.getContainer().style.cursor = "";
  }

  function sendDrawing() {
    var d = state.drawing;
    if (!d || !state.bridge) { return; }
    state.bridge.zoneDrawn(JSON.stringify(d.points.map(function (p) { return [p.lat, p.lng]; })));
  }

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
    Object.keys(state.units).forEach(function (id) { upsertUnit(state.units[id].data); });
    Object.keys(state.flags).forEach(function (id) { upsertFlag(state.flags[id].data); });
    Object.keys(state.zones).forEach(function (id) { upsertZone(state.zones[id].data); });
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

  /* The whole operating area (streets and venues), fitted to the pane at a fractional zoom. */
  function showOverview() {
    var map = state.map, bounds = state.overviewBounds;
    if (!bounds || !bounds.isValid()) { return false; }
    var size = map.getSize();
    state.overviewWanted = !size.x || !size.y;  // a hidden pane: fit once it has a size
    if (state.overviewWanted) { return true; }
    map.fitBounds(bounds, { padding: [OVERVIEW_PADDING_PX, OVERVIEW_PADDING_PX], animate: false });
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

  /* Select: keep the overview; open the incident's popup, fanning out its cluster if it is in one. */
  function select(id) {
    var entry = state.incidents[id];
    if (!entry) { return false; }
    var group = state.layers.incidents;
    if (!state.map.hasLayer(group)) { state.legend.toggle("incidents"); }
    bringIntoView(L.latLng(entry.data.lat, entry.data.lon), function () {
      if (!state.incidents[id]) { return; }
      var shown = group.getVisibleParent(entry.marker);
      if (shown && shown !== entry.marker) {
        if (shown.getChildCount() > SPIDERFY_MAX) { group.zoomToShowLayer(entry.marker, function () { entry.marker.openPopup(); }); return; }
        shown.spiderfy();
      }
      entry.marker.openPopup();
    });
    return true;
  }

  function centreOnce(id) {
    var entry = state.incidents[id];
    if (!entry) { return false; }
    bringIntoView(L.latLng(entry.data.lat, entry.data.lon), function () {});
    return true;
  }

  function apply(message) {
    var msg = typeof message === "string" ? JSON.parse(message) : message;
    var changes = batch();
    if (msg.type === "reset") {
      clearAll();
      msg.venues.forEach(upsertVenue);
      msg.incidents.forEach(function (inc) { upsertIncident(inc, changes); });
      (msg.units || []).forEach(upsertUnit);
      (msg.flags || []).forEach(upsertFlag);
      (msg.zones || []).forEach(upsertZone);
      applyIncidentChanges(changes);
      widenOverview(msg.venues);
    } else if (msg.type === "diff") {
      msg.venues.forEach(upsertVenue);
      msg.incidents.forEach(function (inc) { upsertIncident(inc, changes); });
      msg.removed_incidents.forEach(function (id) { removeIncident(id, changes); });
      (msg.units || []).forEach(upsertUnit);
      (msg.flags || []).forEach(upsertFlag);
      (msg.zones || []).forEach(upsertZone);
      applyIncidentChanges(changes);
    } else if (msg.type === "draw") {
      startDrawing(msg.points);
    } else if (msg.type === "draw_undo") {
      undoCorner();
    } else if (msg.type === "draw_stop") {
      stopDrawing();
    } else if (msg.type === "alerts") {
      setAlerting(msg.ids);
    } else {
      viewMessage(msg);
      return;  // nothing drawn changed: no counts to report
    }
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
    }
  }

  /* Venues outside the street layer widen the overview (refitted only if it is on screen). */
  function widenOverview(venues) {
    if (!venues.length || !state.overviewBounds) { return; }
    var wider = L.latLngBounds(state.overviewBounds.getSouthWest(), state.overviewBounds.getNorthEast());
    venues.forEach(function (v) { wider.extend([v.lat, v.lon]); });
    if (wider.equals(state.overviewBounds)) { return; }
    var refit = atOverview() || state.overviewWanted;
    state.overviewBounds = wider;
    if (refit) { showOverview(); }
  }

  function setLabelScale(factor) {
    Labels.setScale(state.map, factor);
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
      zones: Object.keys(state.zones).length
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
    state.layers.incidents = L.markerClusterGroup({
      clusterPane: "incidents", maxClusterRadius: CLUSTER_RADIUS_PX, showCoverageOnHover: false,
      zoomToBoundsOnClick: false, spiderfyOnMaxZoom: false, animate: false, chunkedLoading: true,
      iconCreateFunction: clusterIcon,
      spiderLegPolylinesOptions: { weight: 2, color: COLOURS.muted, opacity: 0.8 }
    }).addTo(map);
    // Several at one place fan out where they are: the overview stays.
    state.layers.incidents.on("clusterclick", function (e) {
      if (e.layer.getChildCount() > SPIDERFY_MAX) { e.layer.zoomToBounds({ padding: [40, 40] }); } else { e.layer.spiderfy(); }
    });
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
      if (state.drawing) { addCorner(e.latlng); sendDrawing(); return; }
      if (state.bridge) { state.bridge.mapClicked(e.latlng.lat, e.latlng.lng); }
    });
    map.on("movestart zoomstart", function () { state.moving = true; });
    map.on("moveend zoomend", function () { state.moving = false; state.relabel(); });
    map.on("zoomend", function () { showZoomClass(map); });
    map.on("layeradd layerremove", function (e) { if (e.layer instanceof L.LayerGroup) { state.relabel(); } });
    // A pane that grows or shrinks keeps the overview filled, unless the operator moved away from it.
    map.on("resize", function () {
      if (state.overviewWanted || atOverview()) { showOverview(); }
      state.relabel();
    });
    // The page is the map: Home anywhere in it (the map, the legend) goes back to the overview.
    L.DomEvent.on(document, "keydown", function (e) {
      if (e.key === "Home" && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
        showOverview();
        L.DomEvent.preventDefault(e);
      }
    });
  }

  function showZoomClass(map) {
    map.getContainer().classList.toggle("cr-zoom-far", map.getZoom() < VENUE_NAMES_FROM_ZOOM);
  }

  function boot(map, options) {
    state.map = map;
    readColours();
    map.options.zoomSnap = ZOOM_SNAP;
    map.options.zoomDelta = ZOOM_DELTA;
    map.options.wheelPxPerZoomLevel = 120;
    // Without tiles the map has no maximum zoom of its own; the cluster group needs one.
    if (map.options.maxZoom === undefined) { map.options.maxZoom = MAX_ZOOM; }
    createPanes(map);
    createLayers(map);
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
      entry.marker.setPopupContent(venuePopup(entry.data));
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
    openIncident: openIncident, incidentPoint: incidentPoint,
    closePopups: closePopups, isMoving: isMoving, flashing: flashing,
    openVenue: openVenue, showOverview: showOverview, view: view, overviewBox: overviewBox,
    setView: function (lat, lon, zoom) { state.map.setView([lat, lon], zoom, { animate: false }); return true; },
    showPin: showPin, clearPin: clearPin, setLabelScale: setLabelScale,
    pin: function () { if (!state.pin) { return null; } var ll = state.pin.getLatLng(); return [ll.lat, ll.lng]; },
    legend: function () { return state.legend.layers(); },
    toggleLayer: function (id) { return state.legend.toggle(id); },
    declutter: function () { return Labels.declutter(state.map.getContainer()); },
    alertLevel: alertLevel,
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
