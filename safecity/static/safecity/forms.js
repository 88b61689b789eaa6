// Form behaviours declared in the markup, so that no template needs an inline event handler
// (the Content-Security-Policy allows no inline script). Delegated from the document, so content
// that htmx swaps in behaves the same.
//   data-autosubmit          on a field: submit its form when the value changes
//   data-navigate            on a select: go to the chosen option's value (a URL)
//   data-confirm="question"  on a form: ask before submitting
//   data-action-template="/x/{field}/y/"  on a form: its action, with {field} taken from the form
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!(el instanceof HTMLElement)) return;
    if (el.hasAttribute("data-navigate")) {
      window.location = el.value;
    } else if (el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      e.preventDefault();
      return;
    }
    var template = form.getAttribute("data-action-template");
    if (template) {
      form.action = template.replace(/\{(\w+)\}/g, function (_, name) {
        return encodeURIComponent(form.elements[name] ? form.elements[name].value : "");
      });
    }
  });
})();
