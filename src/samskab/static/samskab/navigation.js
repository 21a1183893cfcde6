/* The main menu folds behind a "Menu" button on narrow screens. Without JavaScript it stays
   open (the list simply wraps), so nothing depends on this file. */
(function () {
  var nav = document.querySelector("[data-samskab-nav]");
  if (!nav) { return; }
  var button = nav.querySelector(".samskab-mainnav__toggle");
  if (!button) { return; }
  nav.classList.add("samskab-mainnav--js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    nav.classList.toggle("samskab-mainnav--open", !open);
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      nav.classList.remove("samskab-mainnav--open");
      button.focus();
    }
  });
})();

/* Tables: give every cell its column's name (data-title), so that responsive.css can show it
   when the table stacks on a narrow screen. Cells that already have one keep it. */
(function () {
  var tables = document.querySelectorAll("main table.table");
  Array.prototype.forEach.call(tables, function (table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return; }
    var names = Array.prototype.map.call(head.rows[head.rows.length - 1].cells, function (cell) {
      return cell.textContent.replace(/\s+/g, " ").trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length !== names.length) { return; }
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-title") && names[i]) { cell.setAttribute("data-title", names[i]); }
        });
      });
    });
  });
})();
