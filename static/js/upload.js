/*
 * upload.js - the image uploads of the student pages with JavaScript:
 * /code (采集码) and /idcard (身份证照片), forms marked data-upload.
 * Without JavaScript the forms are plain multipart posts and work alike.
 *
 * /code (data-qr): the code is read in the browser (html5-qrcode) and only
 * its text is sent (field collect_code, a small urlencoded post that stays
 * out of the server's image pool).  When the browser finds no code, or the
 * server does not take the text (400: an older server), the image is sent.
 *
 * Every image that is sent is first shrunk in the browser when it is large
 * (longest side over MAX_SIDE px, or over the byte limit) or in a format the
 * server refuses but the browser reads (WebP; HEIC in Safari): drawn on a
 * canvas with its EXIF orientation applied, JPEG quality QUALITY.  An image
 * the browser cannot decode goes as it is (the server says what is wrong).
 * The upload shows a WeUI progress bar (“正在上传 42%”, then “正在识别…”).
 *
 * Answers: a redirect (303 → /confirm, /booking, /find, /slots) is followed
 * by loading its page; 503 with Retry-After (the upload pool is full,
 * “排队中，请稍候”) is retried by itself a few times, each wait longer;
 * any other page (422 no code, 415, 413, 429 …) replaces the page's main
 * part (the app's pages) or puts its message in the error area (nginx's).
 *
 * A box the upload needs (the separate consent on /idcard, marked
 * data-upload-required="message") that is not ticked stops the upload
 * before anything is sent: the image stays on the phone and the message
 * is the server's own 422 text.  The form's other fields (csrf, that box)
 * go with the image as the plain form sends them.
 *
 * CSP: script-src 'self' (this file), style-src 'self': no style attributes
 * in markup; the bar's width is set through the CSSOM, which CSP allows.
 */
(function () {
	"use strict";

	var MAX_SIDE = 2000;		/* px, longest side sent */
	var QUALITY = 0.9;		/* JPEG quality of a shrunk image */
	var MAX_BYTES = 8 * 1024 * 1024;	/* above: re-encode (server: 10 MB) */
	var QR_TIMEOUT = 12000;		/* ms for the browser to read the code */
	var RETRIES = 6;		/* automatic tries after a 503 */
	var SENDABLE = /^image\/(jpeg|png)$/;	/* what the server takes as is */

	function $(sel, root) { return (root || document).querySelector(sel); }

	function Lib() {
		return window.Html5Qrcode ||
		    (window.__Html5QrcodeLibrary__ && window.__Html5QrcodeLibrary__.Html5Qrcode);
	}

	function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }

	/* A promise that fails after ms. */
	function within(p, ms) {
		return Promise.race([p, wait(ms).then(function () { throw new Error("timeout"); })]);
	}

	/* ------------------------------------------------------------ images */

	/* The decoded image, oriented as its EXIF says: {src, w, h, close}.
	 * createImageBitmap where it can, an <img> otherwise.  Fails when the
	 * browser cannot decode the file (HEIC outside Safari, not an image). */
	function decode(file) {
		if (!window.createImageBitmap) return decodeImg(file);
		var p;
		try {	/* older engines throw on the options instead of rejecting */
			p = createImageBitmap(file, { imageOrientation: "from-image" });
		} catch (e) {
			return decodeImg(file);
		}
		return p.then(function (b) {
			return { src: b, w: b.width, h: b.height, close: function () { b.close(); } };
		}, function () { return decodeImg(file); });
	}

	function decodeImg(file) {
		return new Promise(function (ok, fail) {
			var url = URL.createObjectURL(file), img = new Image();
			img.onload = function () {
				ok({ src: img, w: img.naturalWidth, h: img.naturalHeight,
					close: function () { URL.revokeObjectURL(url); } });
			};
			img.onerror = function () { URL.revokeObjectURL(url); fail(new Error("decode")); };
			img.src = url;
		});
	}

	function jpegName(name) {
		return (name || "image").replace(/\.[^.\/]*$/, "") + ".jpg";
	}

	/* The file to send: the original when the server takes it as it is
	 * and it is small enough, else a JPEG at most MAX_SIDE px a side.
	 * Never fails: on any trouble, the original. */
	function prepare(file) {
		return decode(file).then(function (im) {
			var big = Math.max(im.w, im.h) > MAX_SIDE;
			if (!big && SENDABLE.test(file.type) && file.size <= MAX_BYTES) {
				im.close();
				return file;
			}
			var k = big ? MAX_SIDE / Math.max(im.w, im.h) : 1;
			var w = Math.max(1, Math.round(im.w * k)), h = Math.max(1, Math.round(im.h * k));
			var c = document.createElement("canvas");
			if (!c.toBlob) { im.close(); return file; }
			c.width = w;
			c.height = h;
			var g = c.getContext("2d");
			g.fillStyle = "#fff";		/* PNG transparency: white, not black */
			g.fillRect(0, 0, w, h);
			g.imageSmoothingEnabled = true;
			g.imageSmoothingQuality = "high";
			g.drawImage(im.src, 0, 0, w, h);
			im.close();
			return new Promise(function (ok) {
				c.toBlob(function (blob) {
					c.width = c.height = 0;	/* frees the memory on iOS */
					if (!blob) { ok(file); return; }
					try {
						ok(new File([blob], jpegName(file.name), { type: "image/jpeg" }));
					} catch (e) {	/* no File constructor: a named Blob */
						blob.name = jpegName(file.name);
						ok(blob);
					}
				}, "image/jpeg", QUALITY);
			});
		}).catch(function () { return file; });
	}

	/* The 采集码's text read from file, or null. */
	function readQR(file, holderId) {
		var L = Lib();
		if (!L || !document.getElementById(holderId)) return Promise.resolve(null);
		var reader;
		try {
			var formats = window.Html5QrcodeSupportedFormats ||
			    (window.__Html5QrcodeLibrary__ && window.__Html5QrcodeLibrary__.Html5QrcodeSupportedFormats);
			reader = new L(holderId, {
				verbose: false,
				formatsToSupport: formats ? [formats.QR_CODE] : undefined,
				experimentalFeatures: { useBarCodeDetectorIfSupported: true }
			});
		} catch (e) {
			return Promise.resolve(null);
		}
		return within(Promise.resolve().then(function () {
			return reader.scanFile(file, false);
		}), QR_TIMEOUT).then(function (text) {
			return typeof text === "string" && text.length > 0 ? text : null;
		}, function () { return null; }).then(function (text) {
			try { reader.clear(); } catch (e) { /* nothing to clear */ }
			return text;
		});
	}

	/* ------------------------------------------------------------ page */

	function Upload(form) {
		this.form = form;
		this.input = $("input[type=file]", form);
		this.button = $("button[type=submit]", form);
		this.panel = $("[data-upload-panel]", form);
		this.text = $("[data-upload-text]", form);
		this.bar = $("[data-upload-bar]", form);
		this.error = $("[data-upload-error]", form);
		this.busy = false;
		var self = this;
		form.addEventListener("submit", function (ev) {
			if (self.busy) { ev.preventDefault(); return; }
			var file = self.input && self.input.files && self.input.files[0];
			if (!file) return;	/* the browser's "required" says so */
			ev.preventDefault();
			self.start(file);
		});
		/* Ticking a box the upload needs clears the message that asked. */
		Array.prototype.forEach.call(form.querySelectorAll("input[data-upload-required]"), function (box) {
			box.addEventListener("change", function () {
				if (box.checked && self.error && !self.busy) self.error.hidden = true;
			});
		});
		/* Picking the image is the student's "upload": start at once. */
		if (this.input) {
			this.input.addEventListener("change", function () {
				var file = self.input.files && self.input.files[0];
				if (file && !self.busy) self.start(file);
			});
		}
	}

	Upload.prototype.say = function (text, percent) {
		if (!this.panel) return;
		this.panel.hidden = !text;
		if (this.text) this.text.textContent = text || "";
		if (this.bar) {
			this.bar.parentNode.parentNode.hidden = percent === undefined;
			if (percent !== undefined) this.bar.style.width = percent + "%";
		}
	};

	/* The message in the page's error area (and the server's old one off). */
	Upload.prototype.fail = function (msg) {
		this.say("");
		var old = $(".tc-main > .tc-alert");
		if (old) old.hidden = true;
		if (this.error) {
			$("span", this.error).textContent = msg;
			this.error.hidden = false;
			this.error.scrollIntoView({ block: "center" });
		}
		this.done();
	};

	Upload.prototype.done = function () {
		this.busy = false;
		this.form.classList.remove("is-busy");
		if (this.button) this.button.disabled = false;
		if (this.input) this.input.value = "";	/* the same file may be picked again */
	};

	/* The message of the first box the upload needs that is not ticked,
	 * or null. */
	Upload.prototype.missing = function () {
		var need = this.form.querySelectorAll("input[data-upload-required]");
		for (var i = 0; i < need.length; i++)
			if (!need[i].checked) return need[i].getAttribute("data-upload-required");
		return null;
	};

	Upload.prototype.start = function (file) {
		var self = this, why = this.missing();
		if (why) {
			this.fail(why);
			return;
		}
		this.busy = true;
		this.form.classList.add("is-busy");
		if (this.button) this.button.disabled = true;
		if (this.error) this.error.hidden = true;
		this.say("正在处理图片…");
		var sendable = prepare(file);
		if (!this.form.hasAttribute("data-qr")) {
			sendable.then(function (f) { self.sendFile(f, 0); });
			return;
		}
		this.say("正在识别采集码…");
		/* A small file is read as it is; a large one from the shrunk copy,
		 * which is faster and is what would be sent anyway. */
		sendable.then(function (f) {
			return readQR(f, self.form.getAttribute("data-qr")).then(function (text) {
				if (text !== null) self.sendText(text, f, 0);
				else self.sendFile(f, 0);
			});
		}).catch(function () { self.sendFile(file, 0); });
	};

	function csrf(form) {
		var c = $("input[name=csrf]", form);
		return c ? c.value : "";
	}

	/* POST collect_code=TEXT.  The type is set without "; charset=":
	 * ClearSilver parses only the bare one (fetch keeps it as given). */
	Upload.prototype.sendText = function (text, file, tries) {
		var self = this;
		var body = "csrf=" + encodeURIComponent(csrf(this.form)) +
		    "&collect_code=" + encodeURIComponent(text);
		this.say("已识别采集码，正在核对…");
		fetch(this.form.action, {
			method: "POST", body: body, credentials: "same-origin",
			headers: { "Content-Type": "application/x-www-form-urlencoded" }
		}).then(function (r) {
			if (r.status === 400) {	/* the server reads only images */
				self.sendFile(file, 0);
				return;
			}
			return r.text().then(function (html) {
				self.answer(r.status, r.redirected ? r.url : null,
				    r.headers.get("Retry-After"), html, tries,
				    function (n) { self.sendText(text, file, n); });
			});
		}).catch(function () {
			self.fail("网络异常，请检查网络后重新上传");
		});
	};

	/* The form's fields but its file, as the browser would post them:
	 * named, enabled, and checkboxes and radios only when ticked.
	 * (Not FormData(form): the file is replaced by the shrunk copy, and
	 * FormData.set/delete are missing in older WeChat browsers.) */
	function fields(form, fd) {
		Array.prototype.forEach.call(form.elements, function (el) {
			if (!el.name || el.disabled || el.type === "file" ||
			    el.type === "submit" || el.type === "button") return;
			if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
			fd.append(el.name, el.value);
		});
	}

	/* POST the image as multipart FIELD with a progress bar. */
	Upload.prototype.sendFile = function (file, tries) {
		var self = this, xhr = new XMLHttpRequest(), fd = new FormData();
		fields(this.form, fd);
		fd.append(this.input.name, file, file.name || "image.jpg");
		xhr.open("POST", this.form.action);
		xhr.responseType = "text";
		this.say("正在上传 0%", 0);
		xhr.upload.onprogress = function (ev) {
			if (!ev.lengthComputable) return;
			var p = Math.min(100, Math.floor(ev.loaded * 100 / ev.total));
			if (p < 100) self.say("正在上传 " + p + "%", p);
			else self.say("正在识别…", 100);
		};
		xhr.upload.onload = function () { self.say("正在识别…", 100); };
		xhr.onload = function () {
			var here = new URL(self.form.action, location.href).href;
			var url = xhr.responseURL && xhr.responseURL !== here ? xhr.responseURL : null;
			self.answer(xhr.status, url, xhr.getResponseHeader("Retry-After"),
			    xhr.responseText, tries, function (n) { self.sendFile(file, n); });
		};
		xhr.onerror = xhr.ontimeout = function () {
			self.fail("网络异常，上传未完成，请检查网络后重新上传");
		};
		xhr.send(fd);
	};

	/* What to do with an answer: go on to url (a redirect was followed),
	 * wait and call again(tries + 1) on a full queue, or show the page. */
	Upload.prototype.answer = function (status, url, retry, html, tries, again) {
		var self = this;
		if (url && status >= 200 && status < 300) {
			this.say(this.form.hasAttribute("data-qr") ? "识别成功，正在跳转…" : "上传成功，正在跳转…");
			window.location.assign(url);
			return;
		}
		if (status === 503 && retry !== null) {
			if (tries >= RETRIES) {
				this.fail("排队中，请稍候。当前上传的同学较多，请过一会儿重新上传");
				return;
			}
			var base = parseInt(retry, 10);
			if (!(base > 0)) base = 3;
			/* Waits grow (×1, ×1.5, ×2 …) and spread (a campus retries
			 * together otherwise), at most a minute. */
			var secs = Math.min(60, Math.round(base * (1 + tries / 2) + Math.random() * 2));
			this.countdown(secs, function () { again(tries + 1); });
			return;
		}
		this.show(status, html);
	};

	/* “排队中，请稍候” with the seconds left, then fn. */
	Upload.prototype.countdown = function (secs, fn) {
		var self = this;
		(function tick(n) {
			if (n <= 0) { self.say("排队中，请稍候… 正在重试"); fn(); return; }
			self.say("排队中，请稍候（" + n + " 秒后自动重试）");
			setTimeout(function () { tick(n - 1); }, 1000);
		})(secs);
	};

	/* An answer's page: the app's pages (a main.tc-main) replace this
	 * page's main part; from others (nginx's 413/429/50x) the message. */
	Upload.prototype.show = function (status, html) {
		var doc = null;
		try { doc = new DOMParser().parseFromString(html || "", "text/html"); } catch (e) { /* none */ }
		var main = doc && $("main.tc-main", doc);
		var here = $("main.tc-main");
		if (main && here) {
			Array.prototype.forEach.call(main.querySelectorAll("script"), function (s) {
				s.parentNode.removeChild(s);
			});
			here.innerHTML = main.innerHTML;
			if (doc.title) document.title = doc.title;
			window.scrollTo(0, 0);
			init();		/* the new form */
			return;
		}
		var msg = "";
		if (doc) {
			var h = $("h1", doc), p = $("main p, body p", doc);
			msg = [h && h.textContent, p && p.textContent].filter(Boolean).join("：");
		}
		if (!msg) {
			msg = status === 413 ? "上传的图片太大，请重新选择 10MB 以内的图片" :
			    status === 429 ? "操作太频繁，请稍后再试" :
			    status >= 500 ? "系统繁忙，请稍后重新上传" :
			    "上传失败，请重新上传";
		}
		this.fail(msg.replace(/\s+/g, " ").trim());
	};

	function init() {
		if (!window.fetch || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
		Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (f) {
			if (!f.__upload) f.__upload = new Upload(f);
		});
	}

	/* Back to the page from the history cache: ready again. */
	window.addEventListener("pageshow", function (ev) {
		if (!ev.persisted) return;
		Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (f) {
			if (f.__upload) { f.__upload.say(""); f.__upload.done(); }
		});
	});

	init();
})();
