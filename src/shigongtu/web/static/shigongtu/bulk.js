// Tick-all boxes for bulk actions: <input type="checkbox" data-check-all="NAME"> ticks every
// checkbox named NAME on the page (the review queue's 全选本页).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.matches || !box.matches("input[data-check-all]")) return;
    var name = box.getAttribute("data-check-all");
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
