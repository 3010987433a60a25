// Show a conditional question only while the earlier answer it depends on calls for it.
// The server applies the same rule (scoring.visible_codes) and ignores hidden answers.
(function () {
  "use strict";
  function chosen(form, code) {
    var values = [];
    form.querySelectorAll('[name="q-' + code + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (question) {
      var parent = form.querySelector('[data-question="' + question.dataset.showIf + '"]');
      var wanted = question.dataset.showValues.split(" ");
      var show = parent && !parent.hidden && chosen(form, question.dataset.showIf).some(
        function (value) { return wanted.indexOf(value) !== -1; });
      question.hidden = !show;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("listening-form");
    if (!form) { return; }
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
