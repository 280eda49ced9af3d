/*
 * upload.js - the 采集码 page with JavaScript: the code is read in the
 * browser (html5-qrcode) and only its text is sent, so that the server's
 * decoding pool is left to the phones that need it.  When the browser
 * finds no code, or the server does not accept the text, the form is sent
 * as it is (the server decodes the image and shows its own message), so
 * the page works the same without JavaScript.
 */
(function () {
  'use strict';
  var form = document.querySelector('form[data-qr-form]');
  if (!form || typeof Html5Qrcode === 'undefined') return;
  var input = form.querySelector('input[type=file]');
  var status = form.querySelector('[data-qr-status]');
  var busy = false;

  function say(text) {
    if (status) { status.textContent = text; status.hidden = !text; }
  }

  function plain() {
    say('正在上传图片…');
    form.submit();
  }

  function sendText(text, tries) {
    var body = new URLSearchParams();
    body.set('csrf', form.querySelector('input[name=csrf]').value);
    body.set('collect_code', text);
    // The type without "; charset=": ClearSilver parses only the bare one.
    return fetch(form.action, {
      method: 'POST', body: body.toString(), credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    })
      .then(function (r) {
        if (r.status === 503 && tries < 5) {
          var wait = parseInt(r.headers.get('Retry-After') || '3', 10) * (tries + 1);
          say('排队中，请稍候（' + wait + ' 秒后自动重试）');
          return new Promise(function (ok) { setTimeout(ok, wait * 1000); })
            .then(function () { return sendText(text, tries + 1); });
        }
        if (r.ok && r.redirected) { window.location.href = r.url; return; }
        plain();
      });
  }

  form.addEventListener('submit', function (ev) {
    var file = input && input.files && input.files[0];
    if (!file || busy) return;
    ev.preventDefault();
    busy = true;
    say('正在识别采集码…');
    var holder = document.getElementById('qr-reader');
    var reader = new Html5Qrcode(holder.id, { verbose: false });
    reader.scanFile(file, false)
      .then(function (text) { return sendText(text, 0); },
            function () { plain(); })
      .catch(function () { plain(); });
  });
})();
