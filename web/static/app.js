// Signs a Telegram Mini App in: Telegram puts initData in the URL
// fragment (tgWebAppData), which browsers never send to a server; this
// posts it to /app, which checks its signature against the bot token.
(function () {
  var form = document.getElementById("app");
  if (!form) return;
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var data = hash.get("tgWebAppData");
  if (!data && window.Telegram && window.Telegram.WebApp) {
    data = window.Telegram.WebApp.initData;
  }
  if (!data) return;
  document.getElementById("init_data").value = data;
  form.submit();
})();

// Keeps the inbox tabs' counts current: every 30 seconds while the page
// is visible, and at once when it becomes visible again. Without
// JavaScript the counts are those of the page load.
(function () {
  var nav = document.querySelector("nav.tabs[data-counts]");
  if (!nav || !window.fetch) return;
  var url = nav.getAttribute("data-counts");
  var timer = null;
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", redirect: "error", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("counts: " + r.status);
        return r.json();
      })
      .then(function (d) {
        Object.keys(d.tabs).forEach(function (k) {
          var el = document.querySelector("#tab-" + k + " .count");
          if (el) el.textContent = d.tabs[k].text;
        });
      })
      .catch(stop); // signed out or unreachable: the next visit to the page starts again
  }
  function start() {
    if (timer === null) timer = setInterval(refresh, 30000);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      refresh();
      start();
    }
  });
  if (!document.hidden) start();
})();
