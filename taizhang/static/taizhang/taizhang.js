// The page's own behaviour. It lives here, not in inline handlers, so that the
// Content-Security-Policy can forbid inline script (script-src 'self').
"use strict";

// <select data-submit-on-change> submits its form when a choice is made (the language menu).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});
