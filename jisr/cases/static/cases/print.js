// The confirmation's "Print" button (no inline script: the pages carry none).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
