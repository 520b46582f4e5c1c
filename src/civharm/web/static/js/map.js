/*
 * civharm maps, fully offline. Renders every <div class="map"> on the page:
 *   data-geojson-url      GeoJSON to draw (points, polygons); required
 *   data-cluster          "true": cluster points (leaflet.markercluster)
 *   data-color-property   a numeric feature property on a 0–10 scale: polygons are coloured by it
 * Base layer: country outlines (Natural Earth 1:50m, TopoJSON) and first-order division outlines
 * (Natural Earth 1:10m admin-1), loaded only for countries in view once zoomed in. An online
 * tile layer is added only when the server is configured with one (map_tile_url).
 */
(function () {
  "use strict";

  var VENDOR = "/static/web/vendor/";
  var ADMIN1_MIN_ZOOM = 5;
  var script = document.currentScript;
  var tileUrl = script ? script.getAttribute("data-tile-url") : "";
  var tileAttribution = script ? script.getAttribute("data-tile-attribution") : "";
  var cache = {};

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) throw new Error(url + " answered " + r.status);
        return r.json();
      });
    }
    return cache[url];
  }

  // Colour for a 0–10 score: pale yellow to dark red (readable in grey too: lightness falls).
  function scoreColour(value) {
    var v = Math.max(0, Math.min(10, Number(value))) / 10;
    var stops = [[255, 247, 188], [254, 196, 79], [236, 112, 20], [204, 76, 2], [140, 45, 4]];
    var pos = v * (stops.length - 1), i = Math.min(Math.floor(pos), stops.length - 2), t = pos - i;
    var c = stops[i].map(function (a, k) { return Math.round(a + (stops[i + 1][k] - a) * t); });
    return "rgb(" + c.join(",") + ")";
  }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function popup(props) {
    var title = escapeHtml(props.title || props.name || props.code || "");
    var lines = [];
    if (props.code && props.url) lines.push('<a href="' + escapeHtml(props.url) + '">' + escapeHtml(props.code) + "</a>");
    if (title) lines.push(title);
    if (props.date) lines.push(escapeHtml(props.date));
    if (props.killed_max != null) {
      var k = props.killed_min === props.killed_max ? props.killed_max : props.killed_min + "–" + props.killed_max;
      lines.push("killed: " + escapeHtml(k));
    }
    if (props.kind) lines.push(escapeHtml(props.kind) + (props.precision ? " (precision: " + escapeHtml(props.precision) + ")" : ""));
    return lines.join("<br>");
  }

  function addBaseLayers(map) {
    map.createPane("outlines");
    map.getPane("outlines").style.zIndex = 250;
    getJSON(VENDOR + "world/countries-50m.json").then(function (topo) {
      var countries = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(countries, {
        pane: "outlines", interactive: false,
        style: { color: "#5b6770", weight: 1, fillColor: "#fbfaf5", fillOpacity: 1 },
      }).addTo(map);
    }).catch(function () { note(map, "Country outlines are not installed (run scripts/setup)."); });
    var loaded = {};
    function loadAdmin1() {
      if (map.getZoom() < ADMIN1_MIN_ZOOM) return;
      getJSON(VENDOR + "admin1/index.json").then(function (index) {
        var view = map.getBounds();
        Object.keys(index).forEach(function (iso3) {
          var b = index[iso3].bbox;
          if (loaded[iso3] || !view.intersects(L.latLngBounds([b[1], b[0]], [b[3], b[2]]))) return;
          loaded[iso3] = true;
          getJSON(VENDOR + "admin1/" + iso3 + ".json").then(function (areas) {
            L.geoJSON(areas, {
              pane: "outlines", interactive: false,
              style: { color: "#8f9aa3", weight: 0.8, dashArray: "3 3", fill: false },
            }).addTo(map);
          });
        });
      }).catch(function () { /* outlines are a nicety; the data layer still works */ });
    }
    map.on("moveend", loadAdmin1);
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: escapeHtml(tileAttribution), maxZoom: 18 }).addTo(map);
    }
  }

  function note(map, text) {
    var status = map.getContainer().nextElementSibling;
    if (status && status.classList.contains("map-status")) status.textContent = text;
  }

  function pointLayer(feature, latlng) {
    var kind = (feature.properties && feature.properties.kind) || "incident";
    var size = kind === "report" ? 10 : 14;
    return L.marker(latlng, {
      icon: L.divIcon({ className: kind === "report" ? "report-marker" : "incident-marker", iconSize: [size, size] }),
      keyboard: true,
      title: (feature.properties && (feature.properties.code || feature.properties.title)) || "",
      alt: (feature.properties && feature.properties.title) || "point",
    });
  }

  function dataLayer(el, data) {
    var colourBy = el.getAttribute("data-color-property");
    var layer = L.geoJSON(data, {
      pointToLayer: pointLayer,
      style: function (feature) {
        if (!colourBy) return { color: "#005a9c", weight: 1.5, fillOpacity: 0.2 };
        var value = feature.properties ? feature.properties[colourBy] : null;
        return {
          color: "#444", weight: 1,
          fillColor: value == null ? "#cccccc" : scoreColour(value),
          fillOpacity: value == null ? 0.3 : 0.75,
        };
      },
      onEachFeature: function (feature, l) { l.bindPopup(popup(feature.properties || {})); },
    });
    if (el.getAttribute("data-cluster") === "true" && L.markerClusterGroup) {
      var group = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      group.addLayer(layer);
      return group;
    }
    return layer;
  }

  function render(el) {
    if (el.getAttribute("data-map-ready")) return;
    el.setAttribute("data-map-ready", "1");
    var status = document.createElement("p");
    status.className = "map-status hint";
    status.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", status);
    var map = L.map(el, { attributionControl: false, worldCopyJump: true, keyboard: true, minZoom: 2, maxZoom: 14 })
      .setView([34.8, 40.5], 6);
    // Leaflet's default attribution links to its website: keep the page free of outside links.
    L.control.attribution({ prefix: false }).addAttribution("Leaflet · outlines: Natural Earth").addTo(map);
    addBaseLayers(map);
    status.textContent = "Loading…";
    getJSON(el.getAttribute("data-geojson-url")).then(function (data) {
      var layer = dataLayer(el, data);
      layer.addTo(map);
      var count = (data.features || []).length;
      status.textContent = count + " feature" + (count === 1 ? "" : "s") + " shown" +
        (data.truncated ? " (the newest only; narrow the filters to see all)" : "") + ".";
      var bounds = layer.getBounds ? layer.getBounds() : null;
      if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.1), { maxZoom: 11 });
      map.fire("moveend");
    }).catch(function (err) {
      status.textContent = "The map data could not be loaded: " + ((err && err.message) || err);
      if (window.console) console.error(err);
    });
  }

  function renderAll() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("div.map[data-geojson-url]").forEach(render);
  }

  document.addEventListener("DOMContentLoaded", renderAll);
  document.addEventListener("htmx:afterSettle", renderAll);
})();
