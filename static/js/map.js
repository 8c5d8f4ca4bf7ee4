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

  function loadLeaflet(container) {
    if (window.L) {
      return Promise.resolve(window.L);
    }
    if (!leafletPromise) {
      leafletPromise = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = container.dataset.leafletCss;
        document.head.appendChild(css);
        var script = document.createElement("script");
        script.src = container.dataset.leafletJs;
        script.onload = function () { resolve(window.L); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return leafletPromise;
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
      if (count > 0) {
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
