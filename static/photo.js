/* Activity photos from a weak phone (issue 17): the chosen photo is shrunk here first
 * (long side <= 1,600 px, JPEG of about 300 KB; a 4 MB photo becomes ~15 times smaller),
 * then sent in 64 KB pieces with a progress bar; when the connection drops it tries again
 * by itself and goes on from the last piece the server has (GET .../uploads/<id>).
 * A form without data-uploads (a report's photos) gets the shrinking, the bar and whole-file
 * retries over its own multipart route. The server keeps every check
 * (src/app/photo_upload_pages.c, photo_pages.c). Without this script, or on a browser
 * without canvas/XMLHttpRequest, the plain form posts the original file.
 * Without a signal the shrunk photo and its caption wait on the phone (IndexedDB
 * "sd-activities", store "photos", tagged with the user's id) as "Ảnh chờ gửi", and are sent
 * when the connection is back (on "online", each page load, every 30 s), from any page that
 * loads this script; a photo of an activity still waiting to be registered
 * (static/activity_offline.js) waits for its id. The store is shared with that script
 * through window.sdStore; window.sdActivitiesClear(userId) empties it (sign-out). */
(function () {
	'use strict';

	/* ---- the phone's store, shared with activity_offline.js ---- */
	var DB = 'sd-activities';
	var dbp = null;
	function idb() {
		if (!window.indexedDB || !window.Promise)
			return Promise.reject(new Error('no IndexedDB'));
		if (!dbp)
			dbp = new Promise(function (ok, no) {
				var rq = indexedDB.open(DB, 1);
				rq.onupgradeneeded = function () {
					['queue', 'photos'].forEach(function (n) {
						if (!rq.result.objectStoreNames.contains(n))
							rq.result.createObjectStore(n, {keyPath: 'key'})
							        .createIndex('user', 'user');
					});
				};
				rq.onsuccess = function () {
					rq.result.onversionchange = function () { rq.result.close(); dbp = null; };
					ok(rq.result);
				};
				rq.onerror = function () { dbp = null; no(rq.error); };
			});
		return dbp;
	}
	function tx(name, mode, fn) {
		return idb().then(function (db) {
			return new Promise(function (ok, no) {
				var t = db.transaction(name, mode), out;
				out = fn(t.objectStore(name));
				t.oncomplete = function () { ok(out && 'result' in out ? out.result : out); };
				t.onerror = t.onabort = function () { no(t.error); };
			});
		});
	}
	/* the signed-in user's id (<body data-user>, templates/layout.mustache) */
	function user() {
		return (document.body && document.body.getAttribute('data-user')) || '';
	}
	var store = {
		user: user,
		/* the signed-in user's records of a store, oldest first */
		all: function (name) {
			var u = user();
			if (!u)
				return Promise.resolve([]);
			return tx(name, 'readonly', function (s) {
				return s.index('user').getAll(u);
			}).then(function (rows) {
				return (rows || []).sort(function (a, b) { return a.at - b.at; });
			});
		},
		put: function (name, rec) {
			rec.user = rec.user || user();
			return tx(name, 'readwrite', function (s) { s.put(rec); });
		},
		del: function (name, key) {
			return tx(name, 'readwrite', function (s) { s['delete'](key); });
		},
		key: function (p) {
			return p + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
		},
		/* Is the session still this page's user? 'ok', 'other' (someone else signed in
		 * meanwhile: send nothing of this user's under their name), 'auth' (signed out)
		 * or 'net'. */
		same: function () {
			return fetch('/api/v1/me', {credentials: 'same-origin'}).then(function (r) {
				if (r.status >= 500)
					return 'net';
				if (r.status !== 200 || r.redirected)
					return 'auth';
				return r.json().then(function (j) {
					return String(j.id) === user() ? 'ok' : 'other';
				});
			}, function () { return 'net'; });
		},
		csrf: function () {
			var el = document.querySelector('input[name=csrf]');
			return el ? el.value : '';
		}
	};
	window.sdStore = store;
	/* Sign-out: the user's records (or everyone's, u undefined) leave the phone. */
	window.sdActivitiesClear = function (u) {
		/* emptied, not deleted: deleting waits for every open page's connection to close,
		 * and the pages opened meanwhile would wait behind it */
		if (u === undefined || u === null)
			return Promise.all(['queue', 'photos'].map(function (n) {
				return tx(n, 'readwrite', function (s) { s.clear(); });
			}));
		u = String(u);
		return Promise.all(['queue', 'photos'].map(function (n) {
			return tx(n, 'readwrite', function (s) {
				var c = s.index('user').openCursor(u);
				c.onsuccess = function () {
					if (c.result) {
						c.result['delete']();
						c.result['continue']();
					}
				};
			});
		}));
	};
	if (!window.XMLHttpRequest || !window.Promise || !window.Blob ||
	    !HTMLCanvasElement.prototype.toBlob)
		return;

	var form = document.getElementById('photo-form');
	var input = form && form.querySelector('#photo');
	var sizeEl = document.getElementById('photo-size');
	var progEl = document.getElementById('photo-progress');
	var bar = progEl && progEl.querySelector('progress'), pct = progEl && progEl.querySelector('span');
	var msg = document.getElementById('photo-msg');
	var button = form && form.querySelector('button[type=submit]');
	var base = form && form.getAttribute('data-uploads');
	var LONG = 1600, TARGET = 300 * 1024, CHUNK = 64 * 1024, TRIES = 12;
	var ready = null, busy = false, seen = [], resumed = [];
	var sending = {}; /* keys of kept photos being sent by this page */

	function size(n) {
		if (n >= 1024 * 1024)
			return (n / 1048576).toLocaleString('vi-VN', {maximumFractionDigits: 1}) + ' MB';
		return Math.round(n / 1024).toLocaleString('vi-VN') + ' KB';
	}
	function say(text, isError) {
		if (!msg)
			return;
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
	var quiet = {say: function () {}, progress: function () {}};
	var shown = {say: say, progress: progress};

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
	if (input)
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
			x.setRequestHeader('X-CSRF-Token', store.csrf());
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
		e.page = r.page;
		throw e;
	}
	/* fn() again after a network failure, with back-off (1, 2, 4... 30 s); ui.lost() is
	 * told of the first failure (the photo is kept on the phone then) */
	function retrying(fn, tries, ui) {
		return fn(tries).catch(function (e) {
			if (!e || !e.network || tries >= ui.tries)
				throw e;
			if (ui.lost)
				ui.lost();
			ui.say('Mất kết nối — đang thử lại…', false);
			return wait(Math.min(30000, 1000 * Math.pow(2, tries)))
			        .then(function () { return retrying(fn, tries + 1, ui); });
		});
	}
	/* The resumable protocol to uploads (".../photos/uploads"); resolves with the finish's
	 * answer ({location, bytes}), or null when a retried finish found it already stored. */
	function send(blob, caption, uploads, ui) {
		var total = blob.size, id, offset = 0;
		ui.progress(0, total);
		return retrying(function () {
			return request('POST', uploads, 'size=' + total + '&caption=' + encodeURIComponent(caption),
			               {'Content-Type': 'application/x-www-form-urlencoded'});
		}, 0, ui).then(function (r) {
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
				        request('GET', uploads + '/' + id).then(function (s) {
					        if (s.status !== 200 || s.page)
						        refused(s);
					        offset = s.json.offset;
					        resumed.push(offset);
				        });
				return asked.then(function () {
					var end = Math.min(total, offset + CHUNK);
					if (offset >= total)
						return {status: 200, json: {offset: offset}};
					return request('POST', uploads + '/' + id, blob.slice(offset, end),
					               {'Content-Type': 'application/octet-stream',
					                'Content-Range': 'bytes ' + offset + '-' + (end - 1) + '/' + total},
					               function (ev) { ui.progress(offset + ev.loaded, total); });
				});
			}, 0, ui).then(function (r) {
				if ((r.status !== 200 && r.status !== 409) || r.page ||
				    typeof r.json.offset !== 'number')
					refused(r);
				offset = r.json.offset;
				ui.say('');
				ui.progress(offset, total);
				return next();
			});
		}
		function finish() {
			var retried = false;
			return retrying(function (tries) {
				retried = tries > 0;
				return request('POST', uploads + '/' + id + '/finish', '',
				               {'Content-Type': 'application/x-www-form-urlencoded'});
			}, 0, ui).then(function (r) {
				if (r.status === 404 && retried)
					return null; /* the first finish stored it before the line dropped */
				if (r.status !== 201 || r.page)
					refused(r);
				ui.progress(total, total);
				return r.json;
			});
		}
	}
	/* A form without the resumable protocol (a report's photos): the same multipart post as
	 * without JavaScript, with the shrunk photo and whole-file retries. Resolves with the
	 * page it led to. */
	function sendForm(blob, name, caption, action, ui) {
		ui.progress(0, blob.size);
		return retrying(function () {
			return new Promise(function (ok, no) {
				var fd = new FormData();
				fd.append('csrf', store.csrf());
				fd.append('caption', caption);
				fd.append('photo', blob, name);
				var x = new XMLHttpRequest();
				x.open('POST', action);
				x.upload.onprogress = function (ev) { ui.progress(ev.loaded, ev.total); };
				x.onload = function () {
					if (x.status >= 500 || x.status === 0)
						return no({network: true});
					if (x.status === 200 && /[?&]done=/.test(x.responseURL)) {
						ui.progress(1, 1);
						return ok(x.responseURL);
					}
					/* the error page's sentence, or the page it led to */
					var doc = new DOMParser().parseFromString(x.responseText, 'text/html');
					var p = doc.querySelector('.error p');
					var e = new Error(p ? p.textContent : 'Phiên làm việc đã hết hoặc trang ' +
					        'đã cũ; hãy tải lại trang, đăng nhập nếu cần, rồi chọn lại ảnh.');
					e.shown = true;
					e.page = !p;
					no(e);
				};
				x.onerror = x.ontimeout = function () { no({network: true}); };
				x.timeout = 120000;
				x.send(fd);
			});
		}, 0, ui);
	}
	/* One kept photo to its target; resolves when the server has it. */
	function sendKept(rec, ui) {
		if (rec.uploads)
			return send(rec.blob, rec.caption, rec.uploads, ui);
		return sendForm(rec.blob, rec.name, rec.caption, rec.action, ui);
	}

	/* ---- photos waiting on the phone ---- */
	var list = null;
	function pendingList() {
		if (list || !form)
			return list;
		list = document.createElement('div');
		list.id = 'photo-pending';
		list.hidden = true;
		list.innerHTML = '<h3>Ảnh chờ gửi</h3><ul class="photos"></ul>';
		form.parentNode.insertBefore(list, form);
		return list;
	}
	var notes = {}; /* key -> a sentence shown under the kept photo */
	var urls = [];  /* the thumbnails' object URLs, released at the next drawing */
	function render() {
		var l = pendingList();
		if (!l)
			return Promise.resolve();
		var here = base || (form && form.action);
		return store.all('photos').then(function (rows) {
			var ul = l.querySelector('ul');
			urls.forEach(function (u) { URL.revokeObjectURL(u); });
			urls = [];
			ul.textContent = '';
			rows = rows.filter(function (r) {
				return r.uploads === here || r.action === here;
			});
			l.hidden = !rows.length;
			rows.forEach(function (r) {
				var li = document.createElement('li');
				li.className = 'pending-photo';
				var img = document.createElement('img');
				img.src = URL.createObjectURL(r.blob);
				urls.push(img.src);
				img.alt = r.caption;
				var cap = document.createElement('div');
				cap.textContent = (r.caption || '') + ' — ' + (r.refused || notes[r.key] ||
				        'Chưa gửi — sẽ tự gửi khi có mạng');
				var del = document.createElement('button');
				del.type = 'button';
				del.className = 'link';
				del.textContent = 'Xóa';
				del.addEventListener('click', function () {
					store.del('photos', r.key).then(render);
				});
				li.appendChild(img);
				li.appendChild(cap);
				li.appendChild(del);
				ul.appendChild(li);
			});
		}).catch(function () {});
	}
	/* Keep a shrunk photo on the phone. target: {uploads} (an activity's), {action} (a
	 * report's multipart form) or {after, unit} (an activity still waiting to be sent). */
	function keep(blob, name, caption, target) {
		var rec = {key: store.key('p-'), at: Date.now(), blob: blob, name: name,
		           caption: caption, uploads: target.uploads || null,
		           action: target.action || null, after: target.after || null,
		           unit: target.unit || null};
		return store.put('photos', rec).then(function () { render(); return rec; });
	}
	var syncing = false;
	/* Send every kept photo whose target is known, one at a time. */
	function sync() {
		if (syncing || (navigator.onLine === false))
			return Promise.resolve();
		syncing = true;
		return store.all('photos').then(function (rows) {
			/* refused ones wait for the person (delete, or free a place and choose again) */
			rows = rows.filter(function (r) { return !r.after && !r.refused && !sending[r.key]; });
			return (rows.length && window.fetch ? store.same() : Promise.resolve('')).then(function (who) {
				return who === 'ok' ? rows : [];
			});
		}).then(function (rows) {
			return rows.reduce(function (p, r) {
				return p.then(function () {
					if (r.after || sending[r.key])
						return;
					sending[r.key] = true;
					return sendKept(r, {say: function () {}, progress: function () {}, tries: 1})
					        .then(function () {
						        notes[r.key] = 'Đã gửi';
						        return store.del('photos', r.key);
					        }, function (e) {
						        if (!e || !e.shown)
							        return;
						        if (e.page) {
							        notes[r.key] = 'Phiên đăng nhập đã hết hạn: hãy đăng nhập ' +
							                'lại, dữ liệu vẫn được giữ trên máy';
							        return;
						        }
						        r.refused = e.message;
						        return store.put('photos', r);
					        }).then(function () {
						        delete sending[r.key];
						        return render();
					        });
				});
			}, Promise.resolve());
		}).catch(function () {}).then(function () { syncing = false; });
	}
	window.sdPhotos = {keep: keep, sync: sync, shrink: shrink, render: render};
	window.addEventListener('online', function () { sync(); });
	setInterval(sync, 30000);
	setTimeout(sync, 500);

	if (!form)
		return;
	render();
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
		var caption = form.querySelector('#caption').value;
		var name = f.name.replace(/\.[^.]*$/, '') + '.jpg';
		var target = base ? {uploads: base} : {action: form.action};
		var kept = null;
		function done() {
			busy = false;
			button.disabled = false;
		}
		(ready || shrink(f).then(function (r) { return r.blob; })).then(function (blob) {
			if (blob === f)
				name = f.name;
			var ui = {say: say, progress: progress, tries: TRIES, lost: function () {
				/* no signal: keep it on the phone, then go on trying */
				if (!kept && user())
					kept = keep(blob, name, caption, target).then(function (rec) {
						sending[rec.key] = true;
						return rec;
					}, function () { return null; });
			}};
			if (navigator.onLine === false)
				ui.lost();
			var go = base ? send(blob, caption, base, ui) : sendForm(blob, name, caption, form.action, ui);
			return go.then(function (res) {
				var rec;
				return Promise.resolve(kept).then(function (r) {
					rec = r;
					if (rec) {
						delete sending[rec.key];
						return store.del('photos', rec.key).then(render);
					}
				}).then(function () {
					var where = base ? (res ? res.location : base.replace(/\/photos\/uploads$/, '')) : res;
					if (rec && window.sdBusy && window.sdBusy()) {
						/* a choice waits on this page: say it is sent, stay */
						notes[rec.key] = 'Đã gửi';
						say('Đã gửi ảnh; tải lại trang để xem.', false);
						done();
						return;
					}
					try {
						sessionStorage.setItem('photo-upload', JSON.stringify(base && res ?
						        {sent: blob.size, received: res.bytes, progress: seen, resumed: resumed} :
						        {sent: blob.size, progress: seen}));
					} catch (e) { /* private mode: only the record for tests is lost */ }
					window.location.href = where;
				});
			}, function (e) {
				Promise.resolve(kept).then(function (rec) {
					if (rec)
						delete sending[rec.key];
				});
				throw e;
			});
		}).catch(function (e) {
			done();
			say(e && e.shown ? e.message : kept ? 'Chưa gửi được ảnh; ảnh được giữ trên máy ' +
			    '(“Ảnh chờ gửi”) và sẽ tự gửi khi có mạng.' : 'Không gửi được ảnh; hãy kiểm tra ' +
			    'kết nối rồi bấm "Tải ảnh lên" lần nữa.', true);
		});
	});
})();
