/*
 * The pin map in the entry form: click the map or drag the marker to set latitude and
 * longitude; typing coordinates moves the marker. No tile is requested from outside until the
 * editor clicks "Kartenhintergrund laden" (or chose on the public map to always show maps).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "kreativorte:karten-immer-anzeigen";
  var DEFAULT_VIEW = { center: [52.4, 11.9], zoom: 7 };

  function remembered() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "ja";
    } catch (error) {
      return false;
    }
  }

  function parse(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function setUp(container) {
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    if (!latitude || !longitude || !window.L) {
      return;
    }
    var help = document.createElement("p");
    help.className = "help pin-map__help";
    help.textContent = container.dataset.labelHelp;
    var canvas = document.createElement("div");
    canvas.className = "pin-map__canvas";
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-label", container.dataset.labelHelp);
    var load = document.createElement("button");
    load.type = "button";
    load.className = "button pin-map__load";
    load.textContent = container.dataset.labelLoad;
    container.append(canvas, help, load);

    var map = window.L.map(canvas, { attributionControl: true }).setView(
      DEFAULT_VIEW.center,
      DEFAULT_VIEW.zoom
    );
    window.L.control.scale({ imperial: false }).addTo(map);
    var marker = null;

    function place(lat, lng, pan) {
      if (marker) {
        marker.setLatLng([lat, lng]);
      } else {
        marker = window.L.marker([lat, lng], { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          var position = marker.getLatLng();
          write(position.lat, position.lng);
        });
      }
      if (pan) {
        map.setView([lat, lng], Math.max(map.getZoom(), 13));
      }
    }

    function write(lat, lng) {
      latitude.value = lat.toFixed(6);
      longitude.value = lng.toFixed(6);
      latitude.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function readInputs() {
      var lat = parse(latitude);
      var lng = parse(longitude);
      if (lat !== null && lng !== null) {
        place(lat, lng, true);
      }
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng, false);
      write(event.latlng.lat, event.latlng.lng);
    });
    latitude.addEventListener("input", readInputs);
    longitude.addEventListener("input", readInputs);
    readInputs();

    function loadTiles() {
      var attribution = document.createElement("span");
      attribution.textContent = container.dataset.attribution;
      window.L.tileLayer(container.dataset.tileUrl, {
        maxZoom: 18,
        attribution: attribution.innerHTML,
      }).addTo(map);
      load.remove();
    }

    load.addEventListener("click", loadTiles);
    if (remembered()) {
      loadTiles();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-pin-map]").forEach(setUp);
  });
})();
