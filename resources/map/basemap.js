/* controlroom basemap: the tiles of the force's own map file, under the streets.
 *
 * Python (ui/map/tiles.py) serves the file's tiles at crtiles://<key>/{z}/{x}/{y}; there is
 * no web server and no internet. The layer sits in Leaflet's tile pane, below the street
 * layer and every marker. Outside the file's zoom levels Leaflet scales its nearest level;
 * outside its bounds nothing is asked for. A file that could not be used is named in a note
 * on the map (showProblem), set with textContent: the text is the file's path and reason.
 */
(function () {
  "use strict";

  var state = { map: null, layer: null, note: null, loaded: 0 };

  /* options.layer: the file's tile layer (url, native zooms, bounds, attribution), or null. */
  function init(map, options) {
    state.map = map;
    if (options.layer) { add(map, options.layer); }
    return true;
  }

  function add(map, options) {
    var layerOptions = {
      minNativeZoom: options.minNativeZoom,
      maxNativeZoom: options.maxNativeZoom,
      maxZoom: map.options.maxZoom || 19,
      attribution: options.attribution,
      className: "cr-basemap"
    };
    if (options.bounds) { layerOptions.bounds = L.latLngBounds(options.bounds); }
    state.layer = L.tileLayer(options.url, layerOptions);
    state.layer.on("tileload", function () { state.loaded += 1; });
    state.layer.addTo(map);
    return true;
  }

  function showProblem(text) {
    var map = state.map;
    if (state.note) { map.removeControl(state.note); }
    var Note = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "cr-basemap-note");
        var words = L.DomUtil.create("span", "cr-basemap-note-text", box);
        words.textContent = text;
        box.setAttribute("role", "status");
        // Dismissed once read: on a docked pane the note covers part of the map.
        var close = L.DomUtil.create("button", "cr-basemap-note-close", box);
        close.type = "button";
        close.textContent = "×";
        close.title = "Dismiss this note";
        close.setAttribute("aria-label", "Dismiss the basemap note");
        close.style.cssText = "margin-left: 6px; background: none; border: none; color: var(--cr-text);" +
          " font-size: 16px; cursor: pointer;";
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(close, "click", function () { map.removeControl(state.note); state.note = null; });
        // Readable at 2 m on the dark map; wraps inside the pane instead of running off it.
        box.style.cssText = "background: var(--cr-legend); color: var(--cr-text); font-size: 13px;" +
          " padding: 4px 8px; max-width: 60vw; border: 1px solid var(--cr-border); border-radius: 4px;";
        return box;
      }
    });
    state.note = new Note().addTo(map);
    return true;
  }

  /* What a test (or a look at the page) needs: whether the layer is there and how many tiles drew. */
  function status() {
    return {
      layer: state.layer !== null,
      tilesLoaded: state.loaded,
      note: state.note ? state.note.getContainer().querySelector(".cr-basemap-note-text").textContent : null
    };
  }

  window.controlroomBasemap = { init: init, showProblem: showProblem, status: status };
})();
