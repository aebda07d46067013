// Progressive enhancement only: every page works without this script. With it, the queue and a
// case page follow the server's event stream and redraw themselves when cases arrive or change.
(function () {
  'use strict';
  var region = document.querySelector('[data-live]');
  if (!region || !('EventSource' in window)) return;
  var status = document.getElementById('live-status');
  var isCase = region.id === 'case';
  var caseId = region.getAttribute('data-case');
  var pending = null;

  function announce(text) {
    if (status) status.textContent = text;
  }

  function refresh() {
    pending = null;
    // The same URL with its filters, asking only for the part that changes.
    fetch(window.location.href, { headers: { 'x-fragment': isCase ? 'case' : 'queue', accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var active = document.activeElement && document.activeElement.id;
        region.innerHTML = html;
        if (active) { var again = document.getElementById(active); if (again) again.focus(); }
        region.setAttribute('data-updated', String(Date.now()));
      })
      .catch(function () { announce('Live updates paused: the dashboard could not be reached.'); });
  }

  var source = new EventSource(region.getAttribute('data-live'));
  source.addEventListener('case', function (event) {
    var change;
    try { change = JSON.parse(event.data); } catch (e) { return; }
    if (isCase && change.id !== caseId) return;
    announce(change.kind === 'opened' ? 'New case ' + change.id + '.' : 'Case ' + change.id + ' is now ' + change.status + '.');
    // Bursts of changes redraw once.
    if (!pending) pending = setTimeout(refresh, 150);
  });
  source.addEventListener('open', function () { region.setAttribute('data-live-state', 'open'); });
  source.addEventListener('error', function () { region.setAttribute('data-live-state', 'reconnecting'); });
})();
