// Search page: changing the sort order re-runs the search (the form works without this).
(function () {
  "use strict";
  document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      var within = select.form.querySelector("input[name=within]");
      if (within) {
        within.checked = false;
      }
      var q = select.form.querySelector("input[name=q]");
      var prev = select.form.querySelector("input[name=prev]");
      // Re-sorting keeps the query that produced these results, not a half-typed new one.
      if (q && prev) {
        q.value = prev.value;
      }
      select.form.submit();
    });
  });
})();
