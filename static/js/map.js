/*
 * Consent-gated maps. Every [data-map] element starts as a placeholder; nothing is fetched from
 * the tile server until the visitor clicks "Karte anzeigen" (or chose earlier to always show
 * maps, remembered in localStorage on this device only). Leaflet itself is vendored and loaded
 * from our own server on first use. Settings and (translated) texts come from data- attributes.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "kreativorte:karten-immer-anzeigen";
  var DEFAULT_VIEW = { center: [52.4, 11.9], zoom: 7 };
  var leafletPromise = null;

  function remembered() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "ja";
    } catch (error) {
      return false;
    }
  }

  function remember(value) {
    try {
      if (value) {
        window.localStorage.setItem(STORAGE_KEY, "ja");
      } else {
        window.localStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      /* Storage may be disabled; the choice then holds for this page only. */
    }
  }

  var loaded = {};

  function loadOnce(url, make) {
    if (!loaded[url]) {
      loaded[url] = new Promise(function (resolve, reject) {
        var element = make();
        element.onload = function () { resolve(); };
        element.onerror = reject;
        document.head.appendChild(element);
      });
    }
    return loaded[url];
  }

  function loadCss(url) {
    if (!url) {
      return Promise.resolve();
    }
    return loadOnce(url, function () {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = url;
      return css;
    });
  }

  function loadScript(url) {
    return loadOnce(url, function () {
      var script = document.createElement("script");
      script.src = url;
      return script;
    });
  }

  /* Leaflet first, then (for maps of many entries) the cluster plug-in, which extends it. */
  function loadLeaflet(container) {
    if (!leafletPromise) {
      leafletPromise = Promise.all([
        loadCss(container.dataset.leafletCss),
        window.L ? Promise.resolve() : loadScript(container.dataset.leafletJs)
      ]);
    }
    var ready = leafletPromise;
    if (container.dataset.clusterJs) {
      ready = ready.then(function () {
        return Promise.all([
          loadCss(container.dataset.clusterCss),
          loadCss(container.dataset.mapCss),
          window.L.markerClusterGroup ? Promise.resolve() : loadScript(container.dataset.clusterJs)
        ]);
      });
    }
    return ready.then(function () { return window.L; });
  }

  /*
   * Leaflet takes the attribution as HTML. Build it as elements, with the settings as text and
   * as an attribute value, and let the browser serialise it: quotes and angle brackets in them
   * come out escaped. Only http(s) addresses become a link.
   */
  function attributionHtml(text, url) {
    var wrapper = document.createElement("span");
    var target = wrapper;
    if (url) {
      var link = document.createElement("a");
      link.setAttribute("href", url);
      if (link.protocol === "https:" || link.protocol === "http:") {
        wrapper.appendChild(link);
        target = link;
      }
    }
    target.textContent = text;
    return wrapper.innerHTML;
  }

  function safeClass(slug) {
    return String(slug || "none").replace(/[^a-z0-9-]/g, "");
  }

  function pin(L, category) {
    return L.divIcon({
      className: "map-pin map-pin--" + safeClass(category),
      html: "<span class=\"map-pin__dot\"></span>",
      iconSize: [26, 26],
      iconAnchor: [13, 13],
      popupAnchor: [0, -12]
    });
  }

  function popup(properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("p");
    title.className = "map-popup__title";
    if (properties.url) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.name;
      title.appendChild(link);
    } else {
      title.textContent = properties.name;
    }
    box.appendChild(title);
    var place = [properties.kind, properties.locality].filter(Boolean).join(" · ");
    if (place) {
      var meta = document.createElement("p");
      meta.className = "map-popup__meta";
      meta.textContent = place;
      box.appendChild(meta);
    }
    if (properties.categories && properties.categories.length) {
      var categories = document.createElement("p");
      categories.className = "map-popup__categories";
      categories.textContent = properties.categories.join(", ");
      box.appendChild(categories);
    }
    if (properties.teaser) {
      var teaser = document.createElement("p");
      teaser.textContent = properties.teaser;
      box.appendChild(teaser);
    }
    return box;
  }

  function addMarker(L, layer, latitude, longitude, properties) {
    L.marker([latitude, longitude], {
      icon: pin(L, properties.category),
      title: properties.name,
      alt: properties.name,
      keyboard: true
    }).bindPopup(popup(properties)).addTo(layer);
  }

  function setStatus(container, text) {
    container.querySelector("[data-map-status]").textContent = text;
  }

  function draw(container, L) {
    var canvas = container.querySelector("[data-map-canvas]");
    var map = L.map(canvas, { scrollWheelZoom: false });
    var attribution = attributionHtml(
      container.dataset.attribution || "",
      container.dataset.attributionUrl || ""
    );
    L.tileLayer(container.dataset.tileUrl, { attribution: attribution, maxZoom: 18 }).addTo(map);
    var markers = L.featureGroup().addTo(map);
    container.leafletMap = map;

    function frame(count) {
      if (count > 0 && markers.getLayers().length) {
        map.fitBounds(markers.getBounds(), { padding: [32, 32], maxZoom: 12 });
      } else {
        map.setView(DEFAULT_VIEW.center, DEFAULT_VIEW.zoom);
      }
      container.dataset.markers = String(count);
    }

    if (container.dataset.latitude) {
      addMarker(L, markers, Number(container.dataset.latitude), Number(container.dataset.longitude), {
        name: container.dataset.name,
        category: container.dataset.category
      });
      frame(1);
      setStatus(container, "");
      return;
    }
    if (container.dataset.markersUrl) {
      drawClusters(container, L, map, frame);
      return;
    }
    fetch(container.dataset.geojson, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (collection) {
        collection.features.forEach(function (feature) {
          var coordinates = feature.geometry.coordinates;
          addMarker(L, markers, coordinates[1], coordinates[0], feature.properties);
        });
        frame(collection.features.length);
        setStatus(container, collection.features.length === 0 ? container.dataset.textEmpty : "");
      })
      .catch(function () {
        frame(0);
        setStatus(container, container.dataset.textDataError);
      });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    });
  }

  /* The legend: each category's colour with its name (colour never speaks alone). */
  function fillLegend(container, categories) {
    var legend = container.querySelector("[data-map-legend]");
    if (!legend) {
      return;
    }
    var list = legend.querySelector("ul");
    categories.forEach(function (category) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "map-legend__swatch map-legend__swatch--" + safeClass(category.slug);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(category.name));
      list.appendChild(item);
    });
    legend.hidden = false;
  }

  function clusterIcon(L) {
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var label = document.createElement("span");
      label.textContent = String(count);
      return L.divIcon({
        className: "map-cluster map-cluster--" + size,
        html: label.outerHTML,
        iconSize: size === "small" ? [34, 34] : size === "medium" ? [42, 42] : [50, 50]
      });
    };
  }

  /*
   * Many entries: the compact marker list ([id, latitude, longitude, category index, name]) in
   * clusters; a popup loads its entry's kind, locality, categories and link when it is opened.
   */
  function drawClusters(container, L, map, frame) {
    var details = {};
    var detailUrl = container.dataset.markerUrl;

    /* The popup first says it is loading, then shows the details as fixed content. */
    function popupFor(layer) {
      var box = document.createElement("div");
      box.className = "map-popup";
      box.textContent = container.dataset.textLoading;
      var id = layer.options.entryId;
      details[id] = details[id] || getJson(detailUrl.replace("/0.json", "/" + id + ".json"));
      details[id].then(function (entry) {
        layer.setPopupContent(popup(entry));
      }, function () {
        box.textContent = container.dataset.textDataError;
      });
      return box;
    }

    getJson(container.dataset.markersUrl)
      .then(function (data) {
        var icons = data.categories.map(function (category) { return pin(L, category.slug); });
        var fallback = pin(L, "none");
        var group = L.markerClusterGroup({
          chunkedLoading: true,
          showCoverageOnHover: false,
          maxClusterRadius: 48,
          iconCreateFunction: clusterIcon(L)
        });
        var layers = data.markers.map(function (row) {
          return L.marker([row[1], row[2]], {
            icon: row[3] === null ? fallback : icons[row[3]],
            title: row[4],
            keyboard: true,
            entryId: row[0]
          }).bindPopup(popupFor);
        });
        group.addLayers(layers);
        map.addLayer(group);
        fillLegend(container, data.categories);
        if (layers.length) {
          map.fitBounds(group.getBounds(), { padding: [32, 32], maxZoom: 12 });
          container.dataset.markers = String(layers.length);
        } else {
          frame(0);
        }
        setStatus(container, layers.length === 0 ? container.dataset.textEmpty : "");
      })
      .catch(function () {
        frame(0);
        setStatus(container, container.dataset.textDataError);
      });
  }

  function show(container) {
    if (container.dataset.state) {
      return;
    }
    var closedDetails = container.closest("details:not([open])");
    if (closedDetails) {
      /* A map in a closed <details> has no size yet: draw it when it is opened. */
      closedDetails.addEventListener("toggle", function () { show(container); }, { once: true });
      return;
    }
    container.dataset.state = "loading";
    container.querySelector("[data-map-consent]").hidden = true;
    container.querySelector("[data-map-canvas]").hidden = false;
    setStatus(container, container.dataset.textLoading);
    loadLeaflet(container).then(function (L) {
      container.dataset.state = "shown";
      draw(container, L);
    }, function () {
      setStatus(container, container.dataset.textMapError);
    });
    if (remembered()) {
      container.querySelector("[data-map-forget-wrap]").hidden = false;
    }
  }

  function init(container) {
    container.querySelector("[data-map-nojs]").hidden = true;
    container.querySelector("[data-map-actions]").hidden = false;
    container.querySelector("[data-map-show]").addEventListener("click", function () {
      if (container.querySelector("[data-map-remember]").checked) {
        remember(true);
      }
      show(container);
    });
    container.querySelector("[data-map-forget]").addEventListener("click", function (event) {
      remember(false);
      event.target.closest("[data-map-forget-wrap]").textContent = container.dataset.textForgotten;
    });
    if (remembered()) {
      show(container);
    }
  }

  document.querySelectorAll("[data-map]").forEach(init);
})();
