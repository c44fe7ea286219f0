/* controlroom map labels: names that never overlap.
 *
 * Every name on the map (s.34 zone, safe space, venue, street, park) is an element
 * with the class cr-label and a data-priority. After each move, zoom, resize, scale
 * change or layer change, the labels are placed again from the highest priority down:
 * a label whose box would overlap one already shown is hidden (visibility, so it keeps
 * its size and can come back at the next zoom). Markers (incidents, clusters, safe
 * spaces, units, flags, the pin) are placed before any name: a name never sits under a
 * marker ("V  Fox"). Street positions come from
 * ui/map/street_labels.py: each name sits on a stretch of its own street, turned along
 * it, and tries the street's other free stretches before it is hidden.
 */
(function () {
  "use strict";

  var PRIORITY = { zone: 5, safe: 4, venue: 3, street: 2, park: 1 };
  // The class names street and park names had before (other code still looks for them).
  var ALIASES = { street: "cr-street-label", park: "cr-park-label" };
  var GAP_PX = 3;  // labels that nearly touch read as one ("CarltonPlace Place")

  function labelElement(kind, text) {
    var node = document.createElement("span");
    node.className = "cr-label cr-label-" + kind + (ALIASES[kind] ? " " + ALIASES[kind] : "");
    node.setAttribute("data-priority", String(PRIORITY[kind] || 0));
    node.textContent = String(text);  // names are data, never markup
    return node;
  }

  function overlaps(a, b) {
    return a.left < b.right + GAP_PX && b.left < a.right + GAP_PX &&
      a.top < b.bottom + GAP_PX && b.top < a.bottom + GAP_PX;
  }

  function choices(node) { return node.crPlaces ? node.crPlaces.length : 1; }

  function touches(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // A label beside its own marker nearly touches it by design: markers count without the gap.
  function clashes(box, shown, markers) {
    return shown.some(function (other) { return overlaps(other, box); }) ||
      markers.some(function (other) { return touches(other, box); });
  }

  /* The boxes of every marker drawn: incident circles, and the icons (clusters, safe spaces,
     units, flags, the pin), whose visible shape is often a child of a zero-sized icon.
     The s.34 zone's name is the exception: it names an area, not a point, and shows over it. */
  function markerBoxes(container) {
    var boxes = [];
    function add(node) {
      var box = node.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) { boxes.push(box); }
    }
    container.querySelectorAll("path[data-incident]").forEach(add);
    container.querySelectorAll(".leaflet-marker-icon").forEach(function (icon) {
      if (icon.closest(".leaflet-alerts-pane, .leaflet-highlight-pane")) { return; }  // hollow rings
      add(icon);
      if (icon.firstElementChild) { add(icon.firstElementChild); }
    });
    return boxes;
  }

  /* A street name tries its places in turn (best first); null if none is free. */
  function freePlace(node, shown, markers) {
    var places = node.crPlaces;
    for (var i = 0; i < places.length; i += 1) {
      moveTo(node, places[i]);
      var box = node.getBoundingClientRect();
      if (!clashes(box, shown, markers)) { return box; }
    }
    moveTo(node, places[0]);
    return null;
  }

  function moveTo(node, place) {
    node.crTooltip.setLatLng([place.lat, place.lon]);
    node.style.transform = place.angle ? "rotate(" + place.angle + "deg)" : "";
  }

  /* Show the highest-priority labels that fit; hide the rest. */
  function declutter(container) {
    // A removed tooltip fades out (opacity 0) for 200 ms before it leaves the page: not a label.
    var nodes = Array.prototype.slice.call(container.querySelectorAll(".cr-label")).filter(function (node) {
      var box = node.closest(".leaflet-tooltip");
      return !box || box.style.opacity !== "0";
    });
    nodes.forEach(function (node) { node.classList.remove("cr-label-hidden"); });
    var items = nodes.map(function (node, order) {
      return { node: node, order: order, priority: Number(node.getAttribute("data-priority")),
        box: node.getBoundingClientRect() };
    }).filter(function (item) { return item.box.width > 0 && item.box.height > 0; });
    // Among equals, the name with the fewest places to go is placed first (a short street
    // before a long one that can move along itself).
    items.sort(function (a, b) {
      return b.priority - a.priority || choices(a.node) - choices(b.node) || a.order - b.order;
    });
    // The map's controls (zoom, legend, scale) count as shown: no name sits under them.
    var shown = Array.prototype.map.call(container.querySelectorAll(".leaflet-control"), function (control) {
      return control.getBoundingClientRect();
    });
    var controls = shown.length, markers = markerBoxes(container);
    items.forEach(function (item) {
      var obstacles = item.priority === PRIORITY.zone ? [] : markers;
      var box = item.node.crPlaces ? freePlace(item.node, shown, obstacles) : item.box;
      if (!box || clashes(box, shown, obstacles)) {
        item.node.classList.add("cr-label-hidden");
      } else {
        shown.push(box);
      }
    });
    return shown.length - controls;
  }

  /* One placement per frame, however many events asked for it. */
  function scheduler(map) {
    var queued = false;
    return function schedule() {
      if (queued) { return; }
      queued = true;
      window.requestAnimationFrame(function () {
        queued = false;
        declutter(map.getContainer());
      });
    };
  }

  /* Street and park names as permanent, non-interactive tooltips in the labels pane. */
  function addPlaceLabels(layer, labels) {
    (labels || []).forEach(function (label) {
      var kind = label.kind === "park" ? "park" : "street";
      var node = labelElement(kind, label.name);
      if (label.angle) { node.style.transform = "rotate(" + label.angle + "deg)"; }
      var tooltip = L.tooltip({
        permanent: true, direction: "center", interactive: false, pane: "labels",
        className: "cr-label-box", opacity: 1
      }).setLatLng([label.lat, label.lon]).setContent(node).addTo(layer);
      if (label.places && label.places.length > 1) { node.crPlaces = label.places; node.crTooltip = tooltip; }
    });
  }

  /* Text size for the whole map (--map-text-scale); permanent tooltips re-centre on the new size. */
  function setScale(map, factor) {
    document.documentElement.style.setProperty("--map-text-scale", String(factor));
    map.eachLayer(function (layer) {
      if (layer instanceof L.Tooltip && layer.options.permanent) { layer.update(); }
    });
  }

  window.controlroomLabels = {
    PRIORITY: PRIORITY, labelElement: labelElement, declutter: declutter, scheduler: scheduler,
    addPlaceLabels: addPlaceLabels, setScale: setScale
  };
}());
