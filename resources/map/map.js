/* controlroom map page: layers for streets, venues, safe spaces and incidents.
 *
 * The page is built once by Python (folium) and then only ever updated through
 * the QWebChannel bridge with JSON messages. Everything shown that a person typed
 * (summaries, places, venue names) goes in with textContent, never innerHTML.
 */
(function () {
  "use strict";

  /* Every colour is one of the --cr-* custom properties the page declares from
     ui/common/theme.py, read once at boot (a read per marker would recompute styles). */
  var COLOURS = {};
  var PALETTE = ["grade-1", "grade-2", "grade-3", "grade-4", "grade-u", "marker-outline",
    "venue-edge", "venue-fill", "zone", "drawing", "park-edge", "park-fill", "street"];

  function readColours() {
    var style = window.getComputedStyle(document.documentElement);
    PALETTE.forEach(function (name) { COLOURS[name] = style.getPropertyValue("--cr-" + name).trim(); });
  }

  var state = {
    map: null, bridge: null,
    layers: {}, incidents: {}, venues: {}, units: {}, flags: {}, zones: {}, drawing: null, streets: 0, fitted: false, openIncident: null, moving: false, alerting: {},
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

  function safeIcon(v) {
    var status = v.safe_space_status || "open";
    return L.divIcon({
      className: "cr-safe cr-safe-" + status,
      html: "<span>S</span>",
      iconSize: [22, 22], iconAnchor: [11, 11]
    });
  }

  function upsertIncident(inc) {
    var existing = state.incidents[inc.id];
    if (existing) {
      existing.marker.setLatLng([inc.lat, inc.lon]);
      existing.marker.setStyle(incidentStyle(inc));
      markAlert(inc.id);
      existing.marker.setPopupContent(incidentPopup(inc));
      existing.data = inc;
      return;
    }
    var marker = L.circleMarker([inc.lat, inc.lon], incidentStyle(inc));
    marker.bindPopup(incidentPopup(inc), { maxWidth: 320, className: "cr-popup-wrap" });
    marker.on("popupopen", function () { state.openIncident = inc.id; });
    marker.on("popupclose", function () {
      if (state.openIncident === inc.id) { state.openIncident = null; }
    });
    marker.on("click", function () {
      if (state.bridge) { state.bridge.incidentClicked(String(inc.id)); }
    });
    marker.addTo(state.layers.incidents);
    marker.getElement().setAttribute("data-incident", String(inc.id));
    state.incidents[inc.id] = { marker: marker, data: inc };
    markAlert(inc.id);
  }

  function markAlert(id) {
    var entry = state.incidents[id];
    var path = entry && entry.marker.getElement();
    if (path) { path.classList.toggle("cr-flash", !!state.alerting[id]); }
  }

  function flashing() {
    return Array.prototype.map.call(document.querySelectorAll(".cr-flash"), function (p) {
      return p.getAttribute("data-incident");
    });
  }

  function removeIncident(id) {
    var existing = state.incidents[id];
    if (!existing) { return; }
    state.layers.incidents.removeLayer(existing.marker);
    delete state.incidents[id];
  }

  function upsertVenue(v) {
    var existing = state.venues[v.id];
    if (existing) {
      existing.layer.removeLayer(existing.marker);
      delete state.venues[v.id];
    }
    var marker, layer;
    if (v.is_safe_space) {
      marker = L.marker([v.lat, v.lon], { icon: safeIcon(v), zIndexOffset: -100 });
      layer = state.layers.safeSpaces;
    } else {
      marker = L.circleMarker([v.lat, v.lon], {
        radius: 5, color: COLOURS["venue-edge"], weight: 1.5, fillColor: COLOURS["venue-fill"], fillOpacity: 0.9
      });
      layer = state.layers.venues;
    }
    marker.bindTooltip(el("span", "", v.name), { direction: "top", offset: [0, -8] });
    marker.bindPopup(venuePopup(v), { maxWidth: 300, className: "cr-popup-wrap" });
    marker.addTo(layer);
    state.venues[v.id] = { marker: marker, layer: layer, data: v };
  }

  var UNIT_LETTERS = { police_foot: "P", police_vehicle: "V", plain_clothes: "C",
    street_pastors: "SP", st_john: "SJ", welfare: "W" };
  var STALE_MS = 10 * 60 * 1000;

  function unitIcon(u) {
    var stale = !u.position_at || (Date.now() - Date.parse(u.position_at)) > STALE_MS;
    return L.divIcon({
      className: "cr-unit cr-unit-" + u.status + (stale ? " cr-unit-stale" : ""),
      html: "<span>" + (UNIT_LETTERS[u.kind] || "U") + "</span>",
      iconSize: [26, 26], iconAnchor: [13, 13]
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
    var marker = L.marker([u.lat, u.lon], { icon: unitIcon(u), draggable: true, zIndexOffset: 500 });
    marker.bindTooltip(el("span", "", u.callsign), { direction: "right", offset: [12, 0] });
    marker.bindPopup(unitPopup(u), { className: "cr-popup-wrap" });
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      if (state.bridge) { state.bridge.unitMoved(String(u.id), p.lat, p.lng); }
    });
    marker.addTo(state.layers.units);
    state.units[u.id] = { marker: marker, data: u };
  }

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
      zIndexOffset: 400
    });
    marker.bindPopup(flagPopup(f), { className: "cr-popup-wrap" });
    marker.addTo(state.layers.flags);
    state.flags[f.id] = { marker: marker, data: f };
  }

  /* s.34 dispersal zones: the authorised locality, with the time left in force. */
  function countdown(iso) {
    var minutes = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 60000));
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return (h ? h + "h " : "") + m + "m left";
  }

  function zoneLabel(z) {
    var box = el("span", "cr-zone-text");
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
    shape.bindTooltip(zoneLabel(z), { permanent: true, direction: "center", className: "cr-zone-label" });
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
      draggable: true, zIndexOffset: 900,
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

  function refreshTimes() {
    // Positions go stale, flags expire and zones count down with the clock, not with a message.
    Object.keys(state.units).forEach(function (id) { upsertUnit(state.units[id].data); });
    Object.keys(state.flags).forEach(function (id) { upsertFlag(state.flags[id].data); });
    Object.keys(state.zones).forEach(function (id) { upsertZone(state.zones[id].data); });
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

  function select(id) {
    var entry = state.incidents[id];
    if (!entry) { return false; }
    state.map.setView(entry.marker.getLatLng(), Math.max(state.map.getZoom(), 17));
    entry.marker.openPopup();
    return true;
  }

  function apply(message) {
    var msg = typeof message === "string" ? JSON.parse(message) : message;
    if (msg.type === "reset") {
      clearAll();
      msg.venues.forEach(upsertVenue);
      msg.incidents.forEach(upsertIncident);
      (msg.units || []).forEach(upsertUnit);
      (msg.flags || []).forEach(upsertFlag);
      (msg.zones || []).forEach(upsertZone);
      if (!state.fitted && msg.venues.length) {
        // First picture: the whole night-time area, whatever the window size.
        state.fitted = true;
        var bounds = L.latLngBounds(msg.venues.map(function (v) { return [v.lat, v.lon]; }));
        state.map.fitBounds(bounds, { padding: [24, 24] });
      }
    } else if (msg.type === "diff") {
      msg.venues.forEach(upsertVenue);
      msg.incidents.forEach(upsertIncident);
      msg.removed_incidents.forEach(removeIncident);
      (msg.units || []).forEach(upsertUnit);
      (msg.flags || []).forEach(upsertFlag);
      (msg.zones || []).forEach(upsertZone);
    } else if (msg.type === "draw") {
      startDrawing(msg.points);
    } else if (msg.type === "draw_undo") {
      undoCorner();
    } else if (msg.type === "draw_stop") {
      stopDrawing();
    } else if (msg.type === "select") {
      select(msg.id);
    } else if (msg.type === "alerts") {
      state.alerting = {};
      msg.ids.forEach(function (id) { state.alerting[id] = true; });
      Object.keys(state.incidents).forEach(function (id) { markAlert(id); });
    }
    if (state.bridge && msg.type !== "select") {
      state.bridge.layersDrawn(JSON.stringify(counts()));
    }
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

  function addStreets(geojson) {
    var layer = L.geoJSON(geojson, {
      style: function (f) {
        return f.properties.kind === "park"
          ? { color: COLOURS["park-edge"], weight: 1, fillColor: COLOURS["park-fill"], fillOpacity: 0.55 }
          : { color: COLOURS.street, weight: 6, opacity: 0.9, lineCap: "round" };
      },
      interactive: false
    });
    layer.eachLayer(function (feature) {
      var props = feature.feature.properties;
      var centre;
      if (props.kind === "park") {
        centre = feature.getBounds().getCenter();
      } else {
        var pts = feature.getLatLngs();
        centre = pts[Math.floor(pts.length / 2)];
        if (pts.length % 2 === 0) {
          var a = pts[pts.length / 2 - 1], b = pts[pts.length / 2];
          centre = L.latLng((a.lat + b.lat) / 2, (a.lng + b.lng) / 2);
        }
        state.streets += 1;
      }
      L.tooltip({
        permanent: true, direction: "center", interactive: false,
        className: props.kind === "park" ? "cr-park-label" : "cr-street-label"
      }).setLatLng(centre).setContent(el("span", "", props.name)).addTo(state.layers.streets);
    });
    layer.addTo(state.layers.streets);
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "cr-legend");
      box.appendChild(el("div", "cr-legend-title", "Legend"));
      [["1", "G1 Emergency"], ["2", "G2 Priority"], ["3", "G3 Scheduled"],
       ["4", "G4 Resolution"], ["u", "Ungraded"]].forEach(function (item) {
        var line = el("div", "cr-legend-row");
        line.appendChild(el("span", "cr-dot cr-grade-" + item[0]));
        line.appendChild(el("span", "", item[1]));
        box.appendChild(line);
      });
      [["open", "Safe space open"], ["full", "Safe space full"], ["closed", "Safe space closed"]]
        .forEach(function (item) {
          var line = el("div", "cr-legend-row");
          line.appendChild(el("span", "cr-safe-key cr-safe-" + item[0], "S"));
          line.appendChild(el("span", "", item[1]));
          box.appendChild(line);
        });
      var venue = el("div", "cr-legend-row");
      venue.appendChild(el("span", "cr-venue-key"));
      venue.appendChild(el("span", "", "Venue"));
      box.appendChild(venue);
      return box;
    };
    legend.addTo(state.map);
  }

  function boot(map, options) {
    state.map = map;
    readColours();
    // Incidents sit above venue and safe-space icons (markerPane is 600) so one
    // reported at a safe space is neither hidden nor unclickable under its icon.
    map.createPane("incidents").style.zIndex = 640;
    map.createPane("zones").style.zIndex = 380;  // above tiles and streets, below markers
    map.on("click", function (e) {
      if (state.drawing) { addCorner(e.latlng); sendDrawing(); return; }
      if (state.bridge) { state.bridge.mapClicked(e.latlng.lat, e.latlng.lng); }
    });
    // Alerting incidents blink (see map.css): one class flip on the map twice a second,
    // and only while something is alerting.
    window.setInterval(function () {
      var container = map.getContainer();
      var any = Object.keys(state.alerting).length > 0;
      container.classList.toggle("cr-blink", any && !container.classList.contains("cr-blink"));
    }, 500);
    map.on("movestart zoomstart", function () { state.moving = true; });
    map.on("moveend zoomend", function () { state.moving = false; });
    state.layers.streets = L.layerGroup().addTo(map);
    state.layers.venues = L.layerGroup().addTo(map);
    state.layers.safeSpaces = L.layerGroup().addTo(map);
    state.layers.incidents = L.layerGroup().addTo(map);
    state.layers.zones = L.layerGroup().addTo(map);
    state.layers.flags = L.layerGroup().addTo(map);
    state.layers.units = L.layerGroup().addTo(map);
    window.setInterval(refreshTimes, 30000);
    if (options.streets) { addStreets(options.streets); }
    L.control.layers(null, {
      "Streets": state.layers.streets, "Venues": state.layers.venues,
      "Safe spaces": state.layers.safeSpaces, "Incidents": state.layers.incidents,
      "Units": state.layers.units, "Flags": state.layers.flags, "Dispersal zones": state.layers.zones
    }, { collapsed: true, position: "topright" }).addTo(map);
    addLegend();
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") { return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      state.bridge = channel.objects.bridge;
      state.bridge.sig_message_pushed.connect(apply);
      state.bridge.pageReady();
    });
  }

  function openIncident() { return state.openIncident; }

  function openVenue(id) {
    var entry = state.venues[id];
    if (!entry) { return false; }
    entry.marker.openPopup();
    return true;
  }

  function closePopups() { state.map.closePopup(); return true; }

  function isMoving() { return state.moving; }

  /* Where an incident's marker is on screen (for tests that click it for real). */
  function incidentPoint(id) {
    var entry = state.incidents[id];
    if (!entry) { return null; }
    var p = state.map.latLngToContainerPoint(entry.marker.getLatLng());
    return { x: p.x, y: p.y };
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

  window.controlroom = {
    boot: boot, setSafeSpaceEditable: setSafeSpaceEditable, apply: apply, counts: counts, select: select,
    openIncident: openIncident, incidentPoint: incidentPoint,
    closePopups: closePopups, isMoving: isMoving, flashing: flashing,
    openVenue: openVenue, unitPoint: function (id) {
      var e = state.units[id]; if (!e) { return null; }
      var p = state.map.latLngToContainerPoint(e.marker.getLatLng()); return { x: p.x, y: p.y };
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
