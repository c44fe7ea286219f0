/* controlroom map incidents: circle markers in a cluster group, and their alert rings.
 *
 * Markers closer than CLUSTER_RADIUS_PX would overlap: they are one cluster showing the
 * count, ringed in the highest grade among them, that fans out where it is on a click.
 * Changes reach the cluster group in bulk (addLayers and removeLayers are chunked by the
 * library): one call per message, however many incidents it carries. A clustered marker
 * has no element until its cluster opens, so its id and alert ring are set when it is drawn.
 */
(function () {
  "use strict";

  // Markers closer than this (in pixels) would overlap: they are one cluster with a count.
  var CLUSTER_RADIUS_PX = 20;
  // A cluster fans out on click; a bigger one zooms to its place (a spiral of 200 helps nobody).
  var SPIDERFY_MAX = 40;
  // A Grade 1 is bigger than the rest even when nothing alerts.
  var RADIUS_PX = 8, G1_RADIUS_PX = 12;

  var page = null;  // the map page's shared state (map.js): incidents, alerting, layers, bridge
  var Popups = window.controlroomPopups;

  /* The cluster group holding every incident marker, on its own pane. */
  function createGroup(shared) {
    page = shared;
    var group = L.markerClusterGroup({
      clusterPane: "incidents", maxClusterRadius: CLUSTER_RADIUS_PX, showCoverageOnHover: false,
      zoomToBoundsOnClick: false, spiderfyOnMaxZoom: false, animate: false, chunkedLoading: true,
      iconCreateFunction: clusterIcon,
      spiderLegPolylinesOptions: { weight: 2, color: page.colours.muted, opacity: 0.8 }
    });
    // Several at one place fan out where they are: the overview stays.
    group.on("clusterclick", function (e) {
      if (e.layer.getChildCount() > SPIDERFY_MAX) { e.layer.zoomToBounds({ padding: [40, 40] }); } else { e.layer.spiderfy(); }
    });
    return group;
  }

  /* What shows the incident on screen: its own marker, the cluster holding it, or null
     (out of view, or the layer is off). The library's getVisibleParent looks for an icon,
     which a circle marker never has, so it would answer with a cluster for a drawn marker. */
  function shownAt(id) {
    var entry = page.incidents[id];
    if (!entry || !page.map.hasLayer(page.layers.incidents)) { return null; }
    if (entry.marker._map) { return entry.marker; }
    var cluster = entry.marker.__parent;
    while (cluster && !cluster._icon) { cluster = cluster.__parent; }
    return cluster || null;
  }

  /* Fan out the cluster holding the incident, if it is small enough to fan out, without
     zooming; returns what shows the incident afterwards. */
  function reveal(id) {
    var entry = page.incidents[id], shown = shownAt(id);
    if (entry && shown && shown !== entry.marker && shown.getChildCount() <= SPIDERFY_MAX) {
      shown.spiderfy();
      return shownAt(id) || shown;
    }
    return shown;
  }

  /* Open an incident's full popup where it is, fanning out its cluster if it is in one
     (a cluster too big to fan out zooms to it: the operator asked for this one incident). */
  function openPopup(id) {
    var entry = page.incidents[id], group = page.layers.incidents;
    if (!entry) { return; }
    var shown = reveal(id);
    if (shown && shown !== entry.marker) {
      group.zoomToShowLayer(entry.marker, function () { entry.marker.openPopup(); });
      return;
    }
    entry.marker.openPopup();
  }

  function incidentStyle(inc) {
    var finished = inc.status === "resolved" || inc.status === "closed";
    return {
      pane: "incidents",
      radius: inc.grade === 1 ? G1_RADIUS_PX : RADIUS_PX,
      color: page.colours["marker-outline"], weight: 2,
      fillColor: page.colours["grade-" + (inc.grade || "u")],
      fillOpacity: finished ? 0.35 : 0.95,
      opacity: finished ? 0.5 : 1
    };
  }

  /* "g1" for an alerting Grade 1, "g2" for any other alerting incident, null otherwise. */
  function alertLevel(id) {
    var entry = page.incidents[id];
    if (!entry || !page.alerting[id]) { return null; }
    return entry.data.grade === 1 ? "g1" : "g2";
  }

  function markAlert(id) {
    var entry = page.incidents[id];
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
      var entry = page.incidents[marker.crIncident];
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
    marker.bindPopup(Popups.incident(inc), { maxWidth: 320, className: "cr-popup-wrap" });
    marker.on("popupopen", function () { page.openIncident = inc.id; page.popupKind = "full"; });
    marker.on("popupclose", function () {
      if (page.openIncident === inc.id) { page.openIncident = null; page.popupKind = null; }
    });
    marker.on("click", function () {
      if (page.bridge) { page.bridge.incidentClicked(String(inc.id)); }
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
    var existing = page.incidents[inc.id];
    if (!existing) {
      var marker = newIncidentMarker(inc);
      page.incidents[inc.id] = { marker: marker, data: inc };
      changes.added.push(marker);
      return;
    }
    var moved = existing.data.lat !== inc.lat || existing.data.lon !== inc.lon;
    existing.data = inc;
    existing.marker.setStyle(incidentStyle(inc));
    existing.marker.setPopupContent(Popups.incident(inc));
    markAlert(inc.id);
    if (moved) {
      page.layers.incidents.removeLayer(existing.marker);
      existing.marker.setLatLng([inc.lat, inc.lon]);
      changes.added.push(existing.marker);
    } else {
      changes.restyled.push(existing.marker);
    }
  }

  function removeIncident(id, changes) {
    var existing = page.incidents[id];
    if (!existing) { return; }
    changes.removed.push(existing.marker);
    delete page.incidents[id];
  }

  function applyIncidentChanges(changes) {
    var group = page.layers.incidents;
    if (changes.removed.length) { group.removeLayers(changes.removed); }
    if (changes.added.length) { group.addLayers(changes.added); }
    // A grade or alert change shows on the cluster holding the marker (its colour, its ring).
    if (changes.restyled.length) { group.refreshClusters(changes.restyled); }
  }

  function setAlerting(ids) {
    var before = page.alerting, changed = {};
    page.alerting = {};
    ids.forEach(function (id) { page.alerting[id] = true; if (!before[id]) { changed[id] = true; } });
    Object.keys(before).forEach(function (id) { if (!page.alerting[id]) { changed[id] = true; } });
    page.alertCount = ids.length;
    var markers = [];
    Object.keys(changed).forEach(function (id) {
      markAlert(id);
      if (page.incidents[id]) { markers.push(page.incidents[id].marker); }
    });
    if (markers.length) { page.layers.incidents.refreshClusters(markers); }
  }

  function flashing() {
    return Object.keys(page.alerting).filter(function (id) { return !!page.incidents[id]; });
  }

  window.controlroomIncidents = {
    createGroup: createGroup, batch: batch, upsert: upsertIncident, remove: removeIncident,
    apply: applyIncidentChanges, setAlerting: setAlerting, flashing: flashing, alertLevel: alertLevel,
    openPopup: openPopup, shownAt: shownAt, reveal: reveal
  };
}());
