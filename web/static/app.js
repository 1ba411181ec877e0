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

// Keeps the inbox tabs' counts current while the page is visible, and
// brings them up to date at once when it becomes visible again: pushed by
// the server (server-sent events on data-stream) when cases change, or,
// where EventSource is missing or the stream keeps failing, polled from
// data-counts every 30 seconds. Without JavaScript the counts are those
// of the page load.
(function () {
  var nav = document.querySelector("nav.tabs[data-counts]");
  if (!nav || !window.fetch) return;
  var url = nav.getAttribute("data-counts");
  var streamURL = nav.getAttribute("data-stream");
  var streaming = !!(window.EventSource && streamURL);
  var source = null;
  var failures = 0;
  var timer = null;
  function show(d) {
    Object.keys(d.tabs).forEach(function (k) {
      var el = document.querySelector("#tab-" + k + " .count");
      if (el) el.textContent = d.tabs[k].text;
    });
  }
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (source !== null) source.close();
    source = null;
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", redirect: "error", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("counts: " + r.status);
        return r.json();
      })
      .then(show)
      .catch(stop); // signed out or unreachable: the next visit to the page starts again
  }
  function poll() {
    if (timer === null) timer = setInterval(refresh, 30000);
  }
  function fallBack() {
    stop();
    streaming = false;
    refresh();
    poll();
  }
  function listen() {
    if (source !== null) return;
    source = new EventSource(streamURL);
    source.addEventListener("open", function () {
      failures = 0;
    });
    source.addEventListener("counts", function (e) {
      failures = 0;
      show(JSON.parse(e.data));
    });
    source.addEventListener("error", function () {
      // EventSource reconnects by itself after a dropped stream; a
      // refused one (signed out) it gives up, and so does this after
      // three failures in a row.
      failures++;
      if (source === null || source.readyState === EventSource.CLOSED || failures >= 3) fallBack();
    });
  }
  function start() {
    if (streaming) {
      listen(); // the first event is the counts now
    } else {
      refresh();
      poll();
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      start();
    }
  });
  if (!document.hidden) {
    if (streaming) {
      listen();
    } else {
      poll();
    }
  }
})();
