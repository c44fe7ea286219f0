/* controlroom map legend: every layer on the map, its key, and a check box to show or hide it.
 *
 * One row per layer: its check box and name, then its keys (grade colours, safe-space
 * states, unit shapes and statuses...) wrapping to the legend's width. The check
 * boxes and the collapse button are ordinary form controls, reached with Tab. On a
 * short map pane the legend is collapsed to its title so it never covers most of the map.
 */
(function () {
  "use strict";

  // Open, the legend may take this share of the map's height; more, and it starts (and stays,
  // as the pane resizes) collapsed until the operator opens it.
  var MAX_SHARE_OF_HEIGHT = 0.5;
  // Room kept above an opened legend for the zoom buttons; the rest scrolls.
  var CONTROLS_PX = 90;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function keyItem(key) {
    var item = el("span", "cr-key");
    var swatch = el("span", "cr-key-swatch " + key.swatch, key.mark || "");
    swatch.setAttribute("aria-hidden", "true");
    item.appendChild(swatch);
    if (key.text) { item.appendChild(el("span", "cr-key-text", key.text)); }
    return item;
  }

  function layerRow(map, entry, changed) {
    var row = el("div", "cr-legend-layer");
    row.setAttribute("data-layer", entry.id);
    var label = el("label", "cr-legend-toggle");
    var box = el("input");
    box.type = "checkbox";
    box.checked = map.hasLayer(entry.layer);
    box.setAttribute("data-layer", entry.id);
    box.addEventListener("change", function () {
      if (box.checked) { map.addLayer(entry.layer); } else { map.removeLayer(entry.layer); }
      changed(entry.id, box.checked);
    });
    label.appendChild(box);
    label.appendChild(el("span", "cr-legend-name", entry.title));
    row.appendChild(label);
    var keys = el("div", "cr-legend-keys");
    entry.keys.forEach(function (key) { keys.appendChild(keyItem(key)); });
    row.appendChild(keys);
    return { row: row, box: box };
  }

  /* Add the legend to the map; returns what the page needs to drive it (tests too).
     changed(layerId, shown) follows every check box, and (null, null) a change of the
     legend's own size (the names around it are placed again). */
  function addLegend(map, entries, changed) {
    var rows = {}, refit = function () {};
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var panel = el("div", "cr-legend");
      var head = el("button", "cr-legend-head", "Legend");
      head.type = "button";
      var body = el("div", "cr-legend-body");
      var chosen = false;  // the operator opened or closed it: that holds
      function show(open) {
        body.hidden = !open;
        head.setAttribute("aria-expanded", open ? "true" : "false");
        panel.classList.toggle("cr-legend-collapsed", !open);
      }
      function fit() {
        var height = map.getSize().y;
        body.style.maxHeight = Math.max(60, height - CONTROLS_PX) + "px";
        if (chosen) { return; }
        show(true);
        if (panel.offsetHeight > height * MAX_SHARE_OF_HEIGHT) { show(false); }
      }
      head.addEventListener("click", function () { chosen = true; show(body.hidden); changed(null, null); });
      map.on("resize", function () { fit(); changed(null, null); });
      entries.forEach(function (entry) {
        var made = layerRow(map, entry, changed);
        rows[entry.id] = made.box;
        body.appendChild(made.row);
      });
      panel.appendChild(head);
      panel.appendChild(body);
      refit = fit;
      window.requestAnimationFrame(fit);  // measured once it is on the page
      L.DomEvent.disableClickPropagation(panel);
      L.DomEvent.disableScrollPropagation(panel);
      return panel;
    };
    control.addTo(map);
    return {
      layers: function () {
        return entries.map(function (entry) {
          return { id: entry.id, title: entry.title, shown: map.hasLayer(entry.layer),
            checkbox: !!rows[entry.id], keys: entry.keys.length };
        });
      },
      fit: function () { refit(); },
      /* A line of text under a layer's keys (the coverage layer's share of street seen). */
      note: function (id, text) {
        // Inside the row's keys: the body is a two-column grid (name, keys) of every row.
        var keys = rows[id] && rows[id].closest(".cr-legend-layer").querySelector(".cr-legend-keys");
        if (!keys) { return false; }
        var line = keys.querySelector(".cr-legend-note");
        if (!line) { line = el("span", "cr-legend-note"); keys.appendChild(line); }
        line.textContent = text;
        return true;
      },
      titleText: function (id) {
        var name = rows[id] && rows[id].closest(".cr-legend-layer").querySelector(".cr-legend-name");
        return name ? name.textContent : null;
      },
      noteText: function (id) {
        var line = rows[id] && rows[id].closest(".cr-legend-layer").querySelector(".cr-legend-note");
        return line ? line.textContent : null;
      },
      toggle: function (id) {
        var box = rows[id];
        if (!box) { return false; }
        box.click();
        return box.checked;
      }
    };
  }

  window.controlroomLegend = { addLegend: addLegend };
}());
