/*
 * site.js - the collection-day station (templates/admin/site*.cs).
 *
 * Keyboard-wedge scanners type the code and press Enter: the scan field
 * keeps the focus and Enter submits the form (plain HTML does that).
 * A phone or laptop camera scans with html5-qrcode (static/vendor), fills
 * the field and submits.  Picking an image of the code submits at once.
 * No inline scripts: the page's CSP allows only 'self'.
 */
(function () {
	"use strict";

	function $(id) { return document.getElementById(id); }

	/* Focus the scan field without scrolling, its text selected so the
	 * next scan replaces it. */
	function focusScan() {
		var f = document.querySelector("input[data-scan]");
		if (!f) return;
		if (f.hasAttribute("autofocus") || document.activeElement === document.body) {
			try { f.focus({ preventScroll: true }); } catch (e) { f.focus(); }
			f.select();
		}
	}

	/* One submission per form: a second Enter or click does nothing. */
	function guardSubmit(form) {
		form.addEventListener("submit", function (ev) {
			if (form.dataset.sent) { ev.preventDefault(); return; }
			form.dataset.sent = "1";
			Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
				b.disabled = true;
			});
		});
	}

	/* Back to a page from the history cache: the forms may send again. */
	window.addEventListener("pageshow", function (ev) {
		if (!ev.persisted) return;
		Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
			delete form.dataset.sent;
			Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
				b.disabled = false;
			});
		});
	});

	function autosubmit(input) {
		input.addEventListener("change", function () {
			if (input.files && input.files.length > 0) {
				var form = input.form;
				var code = form.querySelector("input[data-scan]");
				if (code) code.value = "";	/* the image is the code */
				if (form.requestSubmit) form.requestSubmit(); else form.submit();
			}
		});
	}

	function preview(input) {
		var img = $(input.dataset.preview);
		if (!img || !window.URL) return;
		input.addEventListener("change", function () {
			if (!input.files || !input.files[0]) { img.hidden = true; return; }
			if (img.src) URL.revokeObjectURL(img.src);
			img.src = URL.createObjectURL(input.files[0]);
			img.hidden = false;
		});
	}

	/* Camera scanning with html5-qrcode. */
	function camera() {
		var btn = $("st-cam-btn"), box = $("st-cam"), stop = $("st-cam-stop");
		var msg = $("st-cam-msg"), field = document.querySelector("input[data-scan]");
		var Lib = window.Html5Qrcode ||
		    (window.__Html5QrcodeLibrary__ && window.__Html5QrcodeLibrary__.Html5Qrcode);
		var scanner = null;

		if (!btn || !box || !field || !Lib || !navigator.mediaDevices) return;
		btn.hidden = false;

		function close() {
			box.hidden = true;
			btn.hidden = false;
			if (scanner) {
				var s = scanner;
				scanner = null;
				s.stop().then(function () { s.clear(); }, function () {});
			}
		}

		btn.addEventListener("click", function () {
			box.hidden = false;
			btn.hidden = true;
			msg.textContent = "请将预约二维码或采集码对准摄像头";
			scanner = new Lib("st-cam-reader");
			scanner.start({ facingMode: "environment" },
			    { fps: 10, qrbox: { width: 240, height: 240 } },
			    function (text) {
				field.value = text;
				close();
				if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
			    },
			    function () { /* no code in this frame */ })
			    .catch(function () {
				msg.textContent = "无法打开摄像头：请允许使用摄像头，或改用扫码枪/上传图片。";
				scanner = null;
			    });
		});
		if (stop) stop.addEventListener("click", close);
	}

	function init() {
		Array.prototype.forEach.call(document.querySelectorAll("form"), guardSubmit);
		Array.prototype.forEach.call(document.querySelectorAll("input[data-autosubmit]"), autosubmit);
		Array.prototype.forEach.call(document.querySelectorAll("input[data-preview]"), preview);
		camera();
		focusScan();
	}

	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", init);
	else
		init();
})();
