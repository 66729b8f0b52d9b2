// "Print this page" on the print-friendly draft: a button, not a javascript: link, so the
// page needs no inline script (Content-Security-Policy).
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.addEventListener("click", () => window.print());
}
