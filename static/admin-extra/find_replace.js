// Select or clear every match tick box in the find-and-replace preview.
document.addEventListener("click", function (event) {
  var mode = event.target.dataset && event.target.dataset.tick;
  if (!mode) { return; }
  document.querySelectorAll("#apply-form input[name=match]").forEach(function (box) {
    box.checked = mode === "all";
  });
});
