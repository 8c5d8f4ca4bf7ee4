/*
 * "In der Nähe von": suggestions for the town field from the portal's own gazetteer (no outside
 * service), and "Mein Standort verwenden", which asks the browser for the position only after
 * that click, rounds it to two decimals (about a kilometre) and puts it into the form, so it
 * travels only in the address of the result page. Without JavaScript the field is plain text
 * that the server resolves.
 */
(function () {
  "use strict";

  var DECIMALS = 2;

  function init(wrap) {
    var form = wrap.closest("form");
    var input = wrap.querySelector("[data-near-input]");
    var list = wrap.querySelector("[data-near-list]");
    var status = wrap.querySelector("[data-near-status]");
    var position = form.querySelector("[data-near-position]");
    var timer = null;
    var lastQuery = "";

    function fill(towns) {
      list.replaceChildren();
      towns.forEach(function (town) {
        var option = document.createElement("option");
        option.value = town.label;
        option.label = town.description;
        list.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      if (position) {
        position.value = "";
      }
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) {
        return;
      }
      timer = window.setTimeout(function () {
        lastQuery = query;
        var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { towns: [] }; })
          .then(function (data) { fill(data.towns); })
          .catch(function () { fill([]); });
      }, 150);
    });

    var button = wrap.querySelector("[data-near-me]");
    if (!button || !position || !("geolocation" in navigator)) {
      return;
    }
    wrap.querySelector("[data-near-me-wrap]").hidden = false;
    button.addEventListener("click", function () {
      status.textContent = status.dataset.textLocating;
      navigator.geolocation.getCurrentPosition(function (result) {
        var latitude = result.coords.latitude.toFixed(DECIMALS);
        var longitude = result.coords.longitude.toFixed(DECIMALS);
        position.value = latitude + "," + longitude;
        input.value = "";
        status.textContent = status.dataset.textPrivacy;
        form.submit();
      }, function () {
        status.textContent = status.dataset.textDenied;
      }, { enableHighAccuracy: false, maximumAge: 600000, timeout: 15000 });
    });
  }

  document.querySelectorAll("[data-near]").forEach(init);
})();
