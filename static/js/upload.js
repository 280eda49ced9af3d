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

  var MAX_SIDE = 2000;

  /* The image at most MAX_SIDE px on its longest side, as a JPEG blob. */
  function shrink(file) {
    return new Promise(function (ok, no) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var k = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var cv = document.createElement('canvas');
        cv.width = Math.round(img.naturalWidth * k);
        cv.height = Math.round(img.naturalHeight * k);
        cv.getContext('2d').drawImage(img, 0, 0, cv.width, cv.height);
        URL.revokeObjectURL(url);
        cv.toBlob(function (b) { if (b) ok(b); else no(); }, 'image/jpeg', 0.9);
      };
      img.onerror = function () { URL.revokeObjectURL(url); no(); };
      img.src = url;
    });
  }

  /* Send the shrunk image with a progress bar; retry while queued. */
  function sendImage(blob, tries) {
    var fd = new FormData();
    fd.append('csrf', form.querySelector('input[name=csrf]').value);
    fd.append(input.name, blob, 'code.jpg');
    var xhr = new XMLHttpRequest();
    var bar = form.querySelector('[data-qr-progress]');
    xhr.open('POST', form.action);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round(e.loaded * 100 / e.total);
      if (bar) { bar.hidden = false; bar.value = pct; }
      say(pct < 100 ? '正在上传 ' + pct + '%' : '正在识别…');
    };
    xhr.onload = function () {
      if (xhr.status === 503 && tries < 5) {
        var wait = parseInt(xhr.getResponseHeader('Retry-After') || '3', 10) * (tries + 1);
        say('排队中，请稍候（' + wait + ' 秒后自动重试）');
        setTimeout(function () { sendImage(blob, tries + 1); }, wait * 1000);
        return;
      }
      if (xhr.status === 200 && xhr.responseURL && !/\/code$/.test(xhr.responseURL)) {
        window.location.href = xhr.responseURL;
        return;
      }
      // The server's answer (its message) becomes the page.
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () { plain(); };
    xhr.send(fd);
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
            function () {
              return shrink(file).then(function (b) { sendImage(b, 0); }, plain);
            })
      .catch(function () { plain(); });
  });
})();
