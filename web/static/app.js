// Signs a Telegram Mini App in: Telegram puts initData in the URL
// fragment (tgWebAppData), which browsers never send to a server; this
// posts it to /app, which checks its signature against the bot token.
(function () {
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var data = hash.get("tgWebAppData");
  if (!data && window.Telegram && window.Telegram.WebApp) {
    data = window.Telegram.WebApp.initData;
  }
  if (!data) return;
  document.getElementById("init_data").value = data;
  document.getElementById("app").submit();
})();
