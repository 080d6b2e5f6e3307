/* Activity photos from a weak phone (issue 17): the chosen photo is shrunk here first
 * (long side <= 1,600 px, JPEG of about 300 KB; a 4 MB photo becomes ~15 times smaller),
 * then sent in 64 KB pieces with a progress bar; when the connection drops it tries again
 * by itself and goes on from the last piece the server has (GET .../uploads/<id>).
 * A form without data-uploads (a report's photos) gets the shrinking, the bar and whole-file
 * retries over its own multipart route. The server keeps every check
 * (src/app/photo_upload_pages.c, photo_pages.c). Without this script, or on a browser
 * without canvas/XMLHttpRequest, the plain form posts the original file. */
(function () {
	'use strict';
	var form = document.getElementById('photo-form');
	if (!form || !window.XMLHttpRequest || !window.Promise || !window.Blob ||
	    !HTMLCanvasElement.prototype.toBlob)
		return;
	var input = form.querySelector('#photo');
	var sizeEl = document.getElementById('photo-size');
	var progEl = document.getElementById('photo-progress');
	var bar = progEl.querySelector('progress'), pct = progEl.querySelector('span');
	var msg = document.getElementById('photo-msg');
	var button = form.querySelector('button[type=submit]');
	var csrf = form.querySelector('input[name=csrf]').value;
	var base = form.getAttribute('data-uploads');
	var LONG = 1600, TARGET = 300 * 1024, CHUNK = 64 * 1024, TRIES = 12;
	var ready = null, busy = false, seen = [], resumed = [];

	function size(n) {
		if (n >= 1024 * 1024)
			return (n / 1048576).toLocaleString('vi-VN', {maximumFractionDigits: 1}) + ' MB';
		return Math.round(n / 1024).toLocaleString('vi-VN') + ' KB';
	}
	function say(text, isError) {
		msg.hidden = !text;
		msg.textContent = text || '';
		msg.className = isError ? 'field-err' : 'muted';
	}
	function progress(done, total) {
		var p = total ? Math.floor(done * 100 / total) : 0;
		progEl.hidden = false;
		bar.value = p;
		pct.textContent = p + '%';
		if (seen[seen.length - 1] !== p)
			seen.push(p);
	}

	/* ---- shrinking ---- */
	function decode(file) {
		if (window.createImageBitmap)
			return createImageBitmap(file, {imageOrientation: 'from-image'})
			        .catch(function () { return createImageBitmap(file); });
		return new Promise(function (ok, no) {
			var img = new Image();
			img.onload = function () { ok(img); };
			img.onerror = no;
			img.src = URL.createObjectURL(file);
		});
	}
	function jpeg(canvas, q) {
		return new Promise(function (ok, no) {
			canvas.toBlob(function (b) { b ? ok(b) : no(new Error('toBlob')); }, 'image/jpeg', q);
		});
	}
	function draw(img, k) {
		var c = document.createElement('canvas');
		c.width = Math.max(1, Math.round(img.width * k));
		c.height = Math.max(1, Math.round(img.height * k));
		var g = c.getContext('2d');
		g.fillStyle = '#fff'; /* a transparent PNG flattened on white, as the server does */
		g.fillRect(0, 0, c.width, c.height);
		g.drawImage(img, 0, 0, c.width, c.height);
		return c;
	}
	/* Lower the quality to 0.5, then the size by a quarter, until it is <= TARGET. */
	function fit(img, k, q, rounds) {
		var c = draw(img, k);
		function step(b) {
			if (b.size <= TARGET || rounds >= 4)
				return {blob: b, w: c.width, h: c.height};
			if (q > 0.55) {
				q -= 0.1;
				return jpeg(c, q).then(step);
			}
			return fit(img, k * 0.75, 0.7, rounds + 1);
		}
		return jpeg(c, q).then(step);
	}
	function shrink(file) {
		return decode(file).then(function (img) {
			var k = Math.min(1, LONG / Math.max(img.width, img.height));
			return fit(img, k, 0.85, 0);
		}).then(function (r) {
			if (r.blob.size >= file.size && file.type === 'image/jpeg')
				return {blob: file, note: 'Ảnh đã nhỏ: gửi nguyên ' + size(file.size) + '.'};
			return {blob: r.blob, note: 'Ảnh gốc ' + size(file.size) + ' → gửi ' +
			        size(r.blob.size) + ' (' + r.w.toLocaleString('vi-VN') + '×' +
			        r.h.toLocaleString('vi-VN') + ' điểm ảnh).'};
		}).catch(function () {
			/* not decodable here: the server says what is wrong with it */
			return {blob: file, note: 'Gửi nguyên ảnh ' + size(file.size) + '.'};
		});
	}
	input.addEventListener('change', function () {
		var f = input.files && input.files[0];
		say('');
		progEl.hidden = true;
		if (!f) {
			ready = null;
			sizeEl.hidden = true;
			return;
		}
		sizeEl.hidden = false;
		sizeEl.textContent = 'Đang thu nhỏ ảnh…';
		ready = shrink(f).then(function (r) {
			sizeEl.textContent = r.note;
			return r.blob;
		});
	});

	/* ---- sending ---- */
	function request(method, url, body, headers, onprogress) {
		return new Promise(function (ok, no) {
			var x = new XMLHttpRequest();
			x.open(method, url);
			x.setRequestHeader('X-CSRF-Token', csrf);
			Object.keys(headers || {}).forEach(function (h) { x.setRequestHeader(h, headers[h]); });
			if (onprogress && x.upload)
				x.upload.onprogress = onprogress;
			x.onload = function () {
				var j = null;
				try { j = JSON.parse(x.responseText); } catch (e) { j = null; }
				if (x.status >= 500 || x.status === 0)
					no({network: true});
				else if (!j || typeof j !== 'object')
					/* a page, not an answer: signed out (the sign-in page), a stale
					 * form's token, or a proxy's refusal */
					ok({status: x.status || 400, json: {error: 'Phiên làm việc đã hết hoặc ' +
					        'trang đã cũ; hãy tải lại trang, đăng nhập nếu cần, rồi chọn lại ảnh.'},
					    page: true});
				else
					ok({status: x.status, json: j});
			};
			x.onerror = x.ontimeout = function () { no({network: true}); };
			x.timeout = 60000;
			x.send(body);
		});
	}
	function wait(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }
	function refused(r) {
		var e = new Error(r.json.error || 'Máy chủ từ chối ảnh (mã ' + r.status + ').');
		e.shown = true;
		throw e;
	}
	/* fn() again after a network failure, with back-off (1, 2, 4... 30 s) */
	function retrying(fn, tries) {
		return fn(tries).catch(function (e) {
			if (!e || !e.network || tries >= TRIES)
				throw e;
			say('Mất kết nối — đang thử lại…', false);
			return wait(Math.min(30000, 1000 * Math.pow(2, tries)))
			        .then(function () { return retrying(fn, tries + 1); });
		});
	}
	function send(blob) {
		var total = blob.size, id, offset = 0;
		var caption = form.querySelector('#caption').value;
		progress(0, total);
		return retrying(function () {
			return request('POST', base, 'size=' + total + '&caption=' + encodeURIComponent(caption),
			               {'Content-Type': 'application/x-www-form-urlencoded'});
		}, 0).then(function (r) {
			if (r.status !== 201 || r.page)
				refused(r);
			id = r.json.id;
			return next();
		});
		function next() {
			if (offset >= total)
				return finish();
			return retrying(function (tries) {
				/* after a drop, first ask where the server's copy ends */
				var asked = tries === 0 ? Promise.resolve(null) :
				        request('GET', base + '/' + id).then(function (s) {
					        if (s.status !== 200 || s.page)
						        refused(s);
					        offset = s.json.offset;
					        resumed.push(offset);
				        });
				return asked.then(function () {
					var end = Math.min(total, offset + CHUNK);
					if (offset >= total)
						return {status: 200, json: {offset: offset}};
					return request('POST', base + '/' + id, blob.slice(offset, end),
					               {'Content-Type': 'application/octet-stream',
					                'Content-Range': 'bytes ' + offset + '-' + (end - 1) + '/' + total},
					               function (ev) { progress(offset + ev.loaded, total); });
				});
			}, 0).then(function (r) {
				if ((r.status !== 200 && r.status !== 409) || r.page ||
				    typeof r.json.offset !== 'number')
					refused(r);
				offset = r.json.offset;
				say('');
				progress(offset, total);
				return next();
			});
		}
		function finish() {
			var retried = false;
			return retrying(function (tries) {
				retried = tries > 0;
				return request('POST', base + '/' + id + '/finish', '',
				               {'Content-Type': 'application/x-www-form-urlencoded'});
			}, 0).then(function (r) {
				if (r.status === 404 && retried) {
					/* the first finish may have stored it before the connection
					 * dropped: show the activity's photos as they are */
					window.location.href = base.replace(/\/photos\/uploads$/, '');
					return;
				}
				if (r.status !== 201 || r.page)
					refused(r);
				progress(total, total);
				try {
					sessionStorage.setItem('photo-upload', JSON.stringify(
					        {sent: total, received: r.json.bytes, progress: seen, resumed: resumed}));
				} catch (e) { /* private mode: only the record for tests is lost */ }
				window.location.href = r.json.location;
			});
		}
	}
	/* A form without the resumable protocol (a report's photos): the same multipart post as
	 * without JavaScript, with the shrunk photo, a progress bar and whole-file retries. */
	function sendForm(blob) {
		var f = input.files[0];
		var name = blob === f ? f.name : f.name.replace(/\.[^.]*$/, '') + '.jpg';
		progress(0, blob.size);
		return retrying(function () {
			return new Promise(function (ok, no) {
				var fd = new FormData(form);
				fd.set('photo', blob, name);
				var x = new XMLHttpRequest();
				x.open('POST', form.action);
				x.upload.onprogress = function (ev) { progress(ev.loaded, ev.total); };
				x.onload = function () {
					if (x.status >= 500 || x.status === 0)
						return no({network: true});
					if (x.status === 200 && /[?&]done=/.test(x.responseURL)) {
						progress(1, 1);
						try {
							sessionStorage.setItem('photo-upload', JSON.stringify(
							        {sent: blob.size, progress: seen}));
						} catch (e) { /* as above */ }
						window.location.href = x.responseURL;
						return ok();
					}
					/* the error page's sentence, or the page it led to */
					var doc = new DOMParser().parseFromString(x.responseText, 'text/html');
					var p = doc.querySelector('.error p');
					var e = new Error(p ? p.textContent : 'Phiên làm việc đã hết hoặc trang ' +
					        'đã cũ; hãy tải lại trang, đăng nhập nếu cần, rồi chọn lại ảnh.');
					e.shown = true;
					no(e);
				};
				x.onerror = x.ontimeout = function () { no({network: true}); };
				x.timeout = 120000;
				x.send(fd);
			});
		}, 0);
	}

	form.addEventListener('submit', function (ev) {
		var f = input.files && input.files[0];
		if (!f)
			return; /* the browser's own "required" message */
		if (!base && !(window.FormData && FormData.prototype.set && window.DOMParser))
			return; /* an old browser: the plain form */
		ev.preventDefault();
		if (busy)
			return;
		busy = true;
		button.disabled = true;
		seen = [];
		resumed = [];
		(ready || shrink(f).then(function (r) { return r.blob; })).then(base ? send : sendForm).catch(function (e) {
			busy = false;
			button.disabled = false;
			say(e && e.shown ? e.message : 'Không gửi được ảnh; hãy kiểm tra kết nối rồi bấm ' +
			    '"Tải ảnh lên" lần nữa.', true);
		});
	});
})();
