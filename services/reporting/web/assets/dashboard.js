// carestat dashboard: enhancement only. Every page works without this script; it adds a
// button to hide or show each chart's table of figures (shown by default).
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('table[data-toggle]').forEach(function (table, i) {
    var region = table.parentElement;
    if (!table.id) table.id = 'figures-' + i;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'toggle';
    button.setAttribute('aria-controls', region.id || (region.id = 'figures-region-' + i));
    button.setAttribute('aria-expanded', 'true');
    button.textContent = 'Hide the figures';
    button.addEventListener('click', function () {
      var open = button.getAttribute('aria-expanded') === 'true';
      region.hidden = open;
      button.setAttribute('aria-expanded', open ? 'false' : 'true');
      button.textContent = open ? 'Show the figures' : 'Hide the figures';
    });
    region.parentElement.insertBefore(button, region);
  });
});
