/* controlroom map overlays: venues and safe spaces, patrol units, flags, s.34 zones and
 * the zone being drawn. Each is redrawn whole when it changes (there are tens of them,
 * not thousands); the clock redraws them too (positions go stale, flags expire, zones
 * count down). Names go in as labels (labels.js), never as markup.
 */
(function () {
  "use strict";

  var page = null;  // the map page's shared state (map.js): layers, colours, bridge
  var Popups = window.controlroomPopups;
  var Labels = window.controlroomLabels;

  /* -- venues and safe spaces ------------------------------------------------------- */

  function safeIcon(v) {
    var status = v.safe_space_status || "open";
    return L.divIcon({
      className: "cr-safe cr-safe-" + status,
      // Standing on its foot above the venue's point (map.css), so an incident there stays
      // visible below it; smaller at the overview, where it would cover its neighbours.
      html: "<span class=\"cr-safe-body\">S</span>",
      iconSize: [0, 0]
    });
  }

  function upsertVenue(v) {
    var existing = page.venues[v.id];
    if (existing) {
      existing.layer.removeLayer(existing.marker);
      delete page.venues[v.id];
    }
    var marker, layer, kind;
    if (v.is_safe_space) {
      marker = L.marker([v.lat, v.lon], { icon: safeIcon(v), pane: "safeSpaces" });
      layer = page.layers.safeSpaces;
      kind = "safe";
    } else {
      marker = L.circleMarker([v.lat, v.lon], {
        pane: "venues", radius: 5, color: page.colours["venue-edge"], weight: 1.5,
        fillColor: page.colours["venue-fill"], fillOpacity: 0.9
      });
      layer = page.layers.venues;
      kind = "venue";
    }
    marker.bindTooltip(Labels.labelElement(kind, v.name), {
      permanent: true, interactive: false, pane: "labels", className: "cr-label-box", opacity: 1,
      direction: "right", offset: v.is_safe_space ? [13, -16] : [6, 0]
    });
    marker.bindPopup(Popups.venue(v), { maxWidth: 300, className: "cr-popup-wrap" });
    marker.addTo(layer);
    page.venues[v.id] = { marker: marker, layer: layer, data: v };
  }

  /* -- units: a shape of their own (police: shield; partners: hexagon) with the callsign */

  var POLICE = { police_foot: true, police_vehicle: true, plain_clothes: true };
  var STALE_MS = 10 * 60 * 1000;

  function unitIcon(u) {
    var stale = !u.position_at || (Date.now() - Date.parse(u.position_at)) > STALE_MS;
    var shape = Popups.el("span", "cr-unit-shape");
    shape.appendChild(Popups.el("span", "cr-unit-body", u.callsign));
    return L.divIcon({
      className: "cr-unit cr-unit-" + (POLICE[u.kind] ? "police" : "partner") + " cr-unit-" + u.status +
        (stale ? " cr-unit-stale" : ""),
      html: shape,
      iconSize: [0, 0]  // the shape centres itself on the point (map.css), whatever the callsign's length
    });
  }

  function upsertUnit(u) {
    var existing = page.units[u.id];
    if (existing) { page.layers.units.removeLayer(existing.marker); delete page.units[u.id]; }
    if (u.lat === null || u.lon === null || u.status === "off_duty") { return; }
    var marker = L.marker([u.lat, u.lon], { icon: unitIcon(u), draggable: true, pane: "units" });
    marker.bindPopup(Popups.unit(u), { className: "cr-popup-wrap" });
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      if (page.bridge) { page.bridge.unitMoved(String(u.id), p.lat, p.lng); }
    });
    marker.addTo(page.layers.units);
    page.units[u.id] = { marker: marker, data: u };
  }

  /* -- flags -------------------------------------------------------------------------- */

  function upsertFlag(f) {
    var existing = page.flags[f.id];
    if (existing) { page.layers.flags.removeLayer(existing.marker); delete page.flags[f.id]; }
    if (!f.active || Date.parse(f.expires_at) <= Date.now()) { return; }
    var marker = L.marker([f.lat, f.lon], {
      icon: L.divIcon({ className: "cr-flag", html: "<span>⚑</span>", iconSize: [22, 22], iconAnchor: [4, 20] }),
      pane: "flags"
    });
    marker.bindPopup(Popups.flag(f), { className: "cr-popup-wrap" });
    marker.addTo(page.layers.flags);
    page.flags[f.id] = { marker: marker, data: f };
  }

  /* -- s.34 dispersal zones: the authorised locality, with the time left in force ------ */

  function countdown(iso) {
    var minutes = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 60000));
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return (h ? h + "h " : "") + m + "m left";
  }

  function zoneLabel(z) {
    var box = Labels.labelElement("zone", "");
    box.appendChild(Popups.el("b", "", "s.34 " + z.name));
    box.appendChild(Popups.el("span", "", " · " + countdown(z.ends_at)));
    return box;
  }

  function upsertZone(z) {
    var existing = page.zones[z.id];
    if (existing) { page.layers.zones.removeLayer(existing.shape); delete page.zones[z.id]; }
    var now = Date.now();
    if (z.withdrawn || Date.parse(z.ends_at) <= now) { return; }
    var waiting = Date.parse(z.starts_at) > now;
    var shape = L.polygon(z.polygon, {
      pane: "zones", color: page.colours.zone, weight: 3, dashArray: waiting ? "4 8" : "10 6",
      fillColor: page.colours.zone, fillOpacity: waiting ? 0.04 : 0.12, interactive: true
    });
    shape.bindTooltip(zoneLabel(z), {
      permanent: true, direction: "center", className: "cr-label-box cr-zone-label", pane: "labels", opacity: 1
    });
    shape.bindPopup(Popups.zone(z), { className: "cr-popup-wrap" });
    shape.addTo(page.layers.zones);
    page.zones[z.id] = { shape: shape, data: z };
  }

  /* Drawing a zone: each click adds a corner; corners drag to edit; the page sends
     every change to Python, which closes the polygon when the operator says so. */
  function startDrawing(points) {
    stopDrawing();
    page.drawing = { points: [], markers: [], shape: L.polygon([], {
      pane: "zones", color: page.colours.drawing, weight: 3, fillColor: page.colours.drawing, fillOpacity: 0.15
    }).addTo(page.layers.zones) };
    (points || []).forEach(function (p) { addCorner(L.latLng(p[0], p[1])); });
    page.map.getContainer().style.cursor = "crosshair";
    // While drawing, every click is a corner: markers, camera tags and shapes let it through.
    L.DomUtil.addClass(page.map.getContainer(), "cr-drawing");
    sendDrawing();
  }

  function addCorner(latlng) {
    var d = page.drawing;
    var index = d.points.length;
    var marker = L.marker(latlng, {
      draggable: true, zIndexOffset: 900, pane: "pin",
      icon: L.divIcon({ className: "cr-corner", html: "<span>" + (index + 1) + "</span>", iconSize: [18, 18], iconAnchor: [9, 9] })
    });
    marker.on("drag", function () { d.points[index] = marker.getLatLng(); d.shape.setLatLngs(d.points); });
    marker.on("dragend", sendDrawing);
    marker.addTo(page.layers.zones);
    d.points.push(latlng);
    d.markers.push(marker);
    d.shape.setLatLngs(d.points);
  }

  function undoCorner() {
    var d = page.drawing;
    if (!d || !d.points.length) { return; }
    page.layers.zones.removeLayer(d.markers.pop());
    d.points.pop();
    d.shape.setLatLngs(d.points);
    sendDrawing();
  }

  function stopDrawing() {
    var d = page.drawing;
    if (!d) { return; }
    d.markers.forEach(function (m) { page.layers.zones.removeLayer(m); });
    page.layers.zones.removeLayer(d.shape);
    page.drawing = null;
    page.map.getContainer().style.cursor = "";
    L.DomUtil.removeClass(page.map.getContainer(), "cr-drawing");
  }

  function sendDrawing() {
    var d = page.drawing;
    if (!d || !page.bridge) { return; }
    page.bridge.zoneDrawn(JSON.stringify(d.points.map(function (p) { return [p.lat, p.lng]; })));
  }

  function refreshTimes() {
    Object.keys(page.units).forEach(function (id) { upsertUnit(page.units[id].data); });
    Object.keys(page.flags).forEach(function (id) { upsertFlag(page.flags[id].data); });
    Object.keys(page.zones).forEach(function (id) { upsertZone(page.zones[id].data); });
  }

  window.controlroomOverlays = {
    init: function (shared) { page = shared; },
    upsertVenue: upsertVenue, upsertUnit: upsertUnit, upsertFlag: upsertFlag, upsertZone: upsertZone,
    refreshTimes: refreshTimes, startDrawing: startDrawing, addCorner: addCorner, undoCorner: undoCorner,
    stopDrawing: stopDrawing, sendDrawing: sendDrawing
  };
}());
