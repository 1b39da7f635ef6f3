// The reconnect dialog's reload action (docs/web.md, "Losing the connection"): reloads the page the browser is on
// now, which after navigating inside the app is no longer the one the document was loaded for. A file of the app
// rather than an inline handler, so the strict Content-Security-Policy allows it.
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-reconnect-reload]") : null;
  if (target !== null) {
    event.preventDefault();
    location.reload();
  }
});
