/* Activity registration, edits and outcomes that survive no signal (issue 17). With this
 * script the forms marked data-api send through the JSON API (docs/activities.md); when the
 * phone has no signal (navigator.onLine false, a failed fetch, no answer in 15 s) the entry is
 * kept in IndexedDB ("sd-activities", store "queue", tagged with the user's id; the store
 * itself lives in photo.js as window.sdStore) and shown as "Chưa gửi — sẽ tự gửi khi có
 * mạng": on the form, and for a new activity as a row at the top of the unit's list. It is
 * sent again on "online", on each page load and every 30 s. A registration carries a
 * client_id (its key here), so the server makes it once however often it is sent. A 4xx
 * keeps the entry with the server's sentences for correction; a 409 shows the phone's and
 * the server's values field by field and sends what the person chose with the new version.
 * Without JavaScript the forms post as before. */
(function () {
	'use strict';
	var st = window.sdStore;
	if (!st || !window.fetch || !window.Promise || !st.user())
		return;
	var PENDING = 'Chưa gửi — sẽ tự gửi khi có mạng';
	var EXPIRED = 'Phiên đăng nhập đã hết hạn: hãy đăng nhập lại, dữ liệu vẫn được giữ trên máy';
	var SENT = 'Đã gửi';
	var LABELS = {campaign: 'Đợt', kind: 'Loại hoạt động', title: 'Tên hoạt động',
	              description: 'Mô tả', start_date: 'Ngày bắt đầu', start_time: 'Giờ bắt đầu',
	              end_date: 'Ngày kết thúc', end_time: 'Giờ kết thúc', place: 'Địa điểm',
	              mode: 'Hình thức', link: 'Đường dẫn trực tuyến', audience: 'Đối tượng tham gia',
	              expected: 'Số người dự kiến', 'public': 'Công khai', status: 'Tình trạng',
	              actual: 'Số người tham gia thực tế', outcome: 'Ghi chú'};
	var INTS = {campaign: 1, expected: 1, actual: 1, version: 1};
	var BOOLS = {'public': 1, late_ok: 1};

	/* ---- values between a form, a JSON body and the server's activity ---- */
	function kindOf(form) {
		var api = form.getAttribute('data-api');
		return /\/outcome$/.test(api) ? 'outcome' : /\/activities$/.test(api) ? 'create' : 'edit';
	}
	/* The form as the API's typed body; throws {field, message} for a count that is not one. */
	function collect(form) {
		var body = {};
		Array.prototype.forEach.call(form.elements, function (el) {
			var n = el.name;
			if (!n || n === 'csrf' || el.type === 'submit')
				return;
			if (BOOLS[n]) {
				body[n] = el.checked;
				return;
			}
			if (el.type === 'radio') {
				if (el.checked)
					body[n] = el.value;
				else if (!(n in body))
					body[n] = null;
				return;
			}
			var v = el.value;
			if (INTS[n]) {
				var t = v.replace(/[\s.,]/g, '');
				if (t === '')
					body[n] = null;
				else if (/^\d{1,9}$/.test(t))
					body[n] = parseInt(t, 10);
				else
					throw {field: n, message: (LABELS[n] || n) + ': hãy nhập một số (vd 35).'};
				return;
			}
			body[n] = v;
		});
		return body;
	}
	function fill(form, body) {
		Array.prototype.forEach.call(form.elements, function (el) {
			var n = el.name;
			if (!n || !(n in body) || n === 'csrf' || n === 'version')
				return;
			var v = body[n];
			if (el.type === 'checkbox')
				el.checked = !!v;
			else if (el.type === 'radio')
				el.checked = el.value === v;
			else
				el.value = v === null || v === undefined ? '' : String(v);
		});
	}
	function two(n) { return (n < 10 ? '0' : '') + n; }
	/* "2026-12-23T07:00:00+07:00" -> ["23/12/2026", "07:00"] (the time is Vietnam's) */
	function splitIso(s) {
		var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(s || '');
		return m ? [m[3] + '/' + m[2] + '/' + m[1], m[4] + ':' + m[5]] : ['', ''];
	}
	/* The server's activity in the form's names. */
	function serverValues(kind, a) {
		if (kind === 'outcome')
			return {status: a.status, actual: a.actual, outcome: a.outcome};
		var s = splitIso(a.start), e = splitIso(a.end);
		return {campaign: a.campaign_id, kind: a.kind, title: a.title, description: a.description,
		        start_date: s[0], start_time: s[1], end_date: e[0],
		        end_time: e[1], place: a.place, mode: a.mode, link: a.link,
		        audience: a.audience, expected: a.expected, 'public': a['public']};
	}
	function same(x, y) {
		function norm(v) {
			return v === null || v === undefined ? '' : String(v).trim();
		}
		var a = norm(x), b = norm(y);
		if (a === b)
			return true;
		/* dates typed loosely: 9/10/2022 is 09/10/2022 */
		var d = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/;
		var ma = d.exec(a), mb = d.exec(b);
		return !!(ma && mb && +ma[1] === +mb[1] && +ma[2] === +mb[2] && ma[3] === mb[3]);
	}
	/* The fields where the phone's body and the server's activity differ (an empty end
	 * date is the start's day, as the server reads it). */
	function differing(kind, body, a) {
		var server = serverValues(kind, a);
		function val(o, n) {
			return n === 'end_date' && !o[n] ? o.start_date : o[n];
		}
		return Object.keys(server).filter(function (n) {
			return n in body && !same(val(body, n), val(server, n));
		});
	}
	function shown(n, v) {
		if (v === null || v === undefined || v === '')
			return '(trống)';
		if (v === true)
			return 'Có';
		if (v === false)
			return 'Không';
		if (n === 'status')
			return {planned: 'Dự kiến', held: 'Đã tổ chức', cancelled: 'Đã hủy'}[v] || v;
		if (n === 'campaign' || n === 'kind' || n === 'mode') {
			var o = document.querySelector('[name="' + n + '"] option[value="' + v + '"]');
			if (o)
				return o.textContent;
		}
		return typeof v === 'number' ? v.toLocaleString('vi-VN') : String(v);
	}

	/* ---- one attempt to send ---- */
	function attempt(rec) {
		return st.same().then(function (who) {
			if (who === 'ok')
				return post(rec);
			return who === 'net' ? {net: true} : who === 'other' ? {other: true} : {auth: true};
		});
	}
	function post(rec) {
		var ctl = window.AbortController ? new AbortController() : null;
		var timer = setTimeout(function () { if (ctl) ctl.abort(); }, 15000);
		var body = Object.assign({}, rec.body);
		if (rec.kind === 'create')
			body.client_id = rec.key;
		return fetch(rec.api, {method: 'POST', credentials: 'same-origin',
		                       headers: {'Content-Type': 'application/json',
		                                 'X-CSRF-Token': st.csrf()},
		                       body: JSON.stringify(body), signal: ctl ? ctl.signal : undefined})
		        .then(function (r) {
			        clearTimeout(timer);
			        if (r.status >= 500)
				        return {net: true};
			        if (r.status === 401 || r.redirected ||
			            !/json/.test(r.headers.get('Content-Type') || ''))
				        return {auth: true};
			        return r.json().then(function (j) { return {status: r.status, json: j}; });
		        }, function () {
			        clearTimeout(timer);
			        return {net: true};
		        });
	}
	/* Apply an answer to the kept record: resolves with the record's new state. */
	function settle(rec, res) {
		if (res.net) {
			rec.state = 'pending';
			rec.msg = PENDING;
		} else if (res.auth || res.other) {
			rec.state = 'auth';
			rec.msg = res.auth ? EXPIRED : 'Máy đang đăng nhập bằng tài khoản khác: hãy ' +
			          'đăng nhập lại bằng tài khoản của bạn, dữ liệu vẫn được giữ trên máy';
		} else if (res.status === 200 || res.status === 201) {
			rec.state = 'sent';
			rec.msg = SENT;
			rec.activity = res.json;
			return st.del('queue', rec.key).then(function () {
				return rec.kind === 'create' ? adopt(rec) : null;
			}).then(function () { return rec; });
		} else if (res.status === 409 && res.json.activity &&
		           !differing(rec.kind, rec.body, res.json.activity).length) {
			/* the server already holds what the phone has (sent twice, the first answer
			 * lost): nothing to choose */
			res = {status: 200, json: res.json.activity};
			return settle(rec, res);
		} else if (res.status === 409 && res.json.activity) {
			rec.state = 'conflict';
			rec.server = res.json.activity;
			rec.msg = 'Trong lúc máy chưa gửi được, hoạt động đã được sửa trên máy chủ. ' +
			          'Hãy chọn giá trị giữ lại cho từng mục rồi bấm “Gửi theo lựa chọn”.';
		} else {
			var e = res.json && res.json.error || {};
			var nf = Object.keys(e.fields || {}).length;
			rec.state = 'error';
			rec.msg = (nf ? 'Có ' + nf + ' mục chưa hợp lệ (ghi ngay dưới từng mục). Chưa có ' +
			           'gì được lưu.' : e.message || 'Máy chủ từ chối (mã ' + res.status + ').') +
			          ' Dữ liệu vẫn được giữ trên máy: hãy sửa rồi lưu lại.';
			rec.fields = e.fields || {};
		}
		return st.put('queue', rec).then(function () { return rec; });
	}
	/* The photos chosen for a registration that waited: now to its activity. */
	function adopt(rec) {
		var a = rec.activity;
		var uploads = rec.api + '/' + a.id + '/photos/uploads';
		uploads = uploads.replace(/^\/api\/v1/, '');
		return st.all('photos').then(function (rows) {
			return Promise.all(rows.filter(function (p) { return p.after === rec.key; })
			        .map(function (p) {
				        p.after = null;
				        p.uploads = uploads;
				        return st.put('photos', p);
			        }));
		}).then(function () {
			if (window.sdPhotos)
				window.sdPhotos.sync();
		});
	}

	/* ---- what the page shows ---- */
	var views = []; /* {key|api, update(rec)} */
	function notify(rec) {
		views.forEach(function (v) { if (v.matches(rec)) v.update(rec); });
	}
	var syncing = false, busy = {}; /* keys being sent by this page */
	function sync() {
		if (syncing || navigator.onLine === false)
			return Promise.resolve();
		syncing = true;
		return st.all('queue').then(function (rows) {
			return rows.reduce(function (p, rec) {
				return p.then(function () {
					if ((rec.state !== 'pending' && rec.state !== 'auth') || busy[rec.key])
						return;
					busy[rec.key] = true;
					return attempt(rec).then(function (res) {
						return settle(rec, res);
					}).then(function (r) {
						delete busy[rec.key];
						notify(r);
					}, function () { delete busy[rec.key]; });
				});
			}, Promise.resolve());
		}).catch(function () {}).then(function () { syncing = false; });
	}

	function activityUrl(rec) {
		return rec.api.replace(/^\/api\/v1/, '') + '/' + rec.activity.id;
	}

	/* A form sending through the API. */
	function bindForm(form) {
		var kind = kindOf(form);
		var api = form.getAttribute('data-api');
		var box = document.createElement('div');
		box.className = 'msg offline-status';
		box.setAttribute('role', 'status');
		box.hidden = true;
		form.insertBefore(box, form.firstChild);
		var rec = null;
		var button = form.querySelector('button[type=submit]');

		/* the server's sentences shown last time (not the status box and what it holds) */
		function clearErrors() {
			Array.prototype.forEach.call(form.querySelectorAll('.field-err, .msg.err'), function (p) {
				if (p !== box && !box.contains(p))
					p.parentNode.removeChild(p);
			});
		}
		function showErrors(fields) {
			Object.keys(fields || {}).forEach(function (code) {
				var name = code === 'start' ? 'start_date' : code === 'end' ? 'end_date' : code;
				var el = form.querySelector('[name="' + name + '"]');
				var p = document.createElement('p');
				p.className = 'field-err';
				p.textContent = fields[code];
				var at = el ? (el.closest('fieldset, label.check') || el) : button;
				at.parentNode.insertBefore(p, at.nextSibling);
			});
		}
		function conflictView(r) {
			var server = serverValues(kind, r.server);
			var wrap = document.createElement('div');
			wrap.className = 'conflict';
			var diffs = differing(kind, r.body, r.server);
			diffs.forEach(function (n) {
				var fs = document.createElement('fieldset');
				fs.className = 'conflict-field';
				fs.setAttribute('data-field', n);
				var lg = document.createElement('legend');
				lg.textContent = LABELS[n] || n;
				fs.appendChild(lg);
				[['phone', 'Trên máy: ', r.body[n]], ['server', 'Trên máy chủ: ', server[n]]]
				        .forEach(function (c) {
					        var l = document.createElement('label');
					        l.className = 'check';
					        var i = document.createElement('input');
					        i.type = 'radio';
					        i.name = 'pick-' + n;
					        i.value = c[0];
					        l.appendChild(i);
					        l.appendChild(document.createTextNode(' ' + c[1] + shown(n, c[2])));
					        fs.appendChild(l);
				        });
				wrap.appendChild(fs);
			});
			var go = document.createElement('button');
			go.type = 'button';
			go.className = 'conflict-send';
			go.textContent = 'Gửi theo lựa chọn';
			go.addEventListener('click', function () {
				var body = Object.assign({}, r.body), missing = [];
				diffs.forEach(function (n) {
					var c = wrap.querySelector('input[name="pick-' + n + '"]:checked');
					if (!c)
						missing.push(LABELS[n] || n);
					else if (c.value === 'server')
						body[n] = server[n];
				});
				if (missing.length) {
					var w = wrap.querySelector('.conflict-missing');
					if (!w) {
						w = document.createElement('p');
						w.className = 'field-err conflict-missing';
						wrap.insertBefore(w, go);
					}
					w.textContent = 'Hãy chọn giá trị cho: ' + missing.join(', ') + '.';
					return;
				}
				body.version = r.server.version;
				r.body = body;
				r.state = 'pending';
				r.server = null;
				fill(form, body);
				var v = form.querySelector('input[name=version]');
				if (v)
					v.value = body.version;
				send(r);
			});
			wrap.appendChild(go);
			return wrap;
		}
		function status(r) {
			box.textContent = '';
			box.hidden = false;
			var d = form.closest('details');
			if (d && r.state !== 'sent')
				d.open = true; /* the edit form folded away: open where it waits */
			box.className = 'msg offline-status ' + (r.state === 'sent' ? 'ok' :
			        r.state === 'pending' || r.state === 'wait' ? 'warn' : 'err');
			var p = document.createElement('p');
			p.textContent = r.msg;
			box.appendChild(p);
			if (r.state === 'sent' && r.activity && kind !== 'create')
				/* the activity's new version, for the next change from this page */
				Array.prototype.forEach.call(document.querySelectorAll('form[data-api] input[name=version]'),
				                             function (v) { v.value = r.activity.version; });
			if (r.state === 'sent' && r.activity && kind === 'create') {
				var a = document.createElement('a');
				a.href = activityUrl(r);
				a.textContent = 'Mở hoạt động “' + r.activity.title + '”';
				box.appendChild(a);
			}
			if (r.state === 'conflict')
				box.appendChild(conflictView(r));
			if (r.state === 'pending' && kind === 'create') {
				box.appendChild(photoPicker(r));
				box.appendChild(another());
			}
		}
		/* Without a signal the page cannot be opened again: the same form, emptied, takes
		 * the next registration (the one kept stays kept). */
		function another() {
			var b = document.createElement('button');
			b.type = 'button';
			b.className = 'another';
			b.textContent = 'Đăng ký thêm hoạt động khác';
			b.addEventListener('click', function () {
				rec = null;
				form.reset();
				clearErrors();
				box.hidden = true;
				box.textContent = '';
				if (/[#&]q=/.test(location.hash))
					history.replaceState(null, '', location.pathname + location.search);
				var t = form.querySelector('[name=title]');
				if (t)
					t.focus();
			});
			return b;
		}
		/* A photo for a registration still on the phone: kept until it has an id. */
		function photoPicker(r) {
			var d = document.createElement('div');
			d.className = 'pending-photo-pick';
			if (!window.sdPhotos)
				return d;
			d.innerHTML = '<label>Thêm ảnh (sẽ gửi sau khi hoạt động được gửi)' +
			        '<input type="file" accept="image/jpeg,image/png,image/webp" class="pp-file"></label>' +
			        '<label>Chú thích<input type="text" maxlength="300" class="pp-caption"></label>' +
			        '<button type="button" class="pp-keep">Giữ ảnh trên máy</button>' +
			        '<p class="muted pp-note"></p>';
			d.querySelector('.pp-keep').addEventListener('click', function () {
				var f = d.querySelector('.pp-file').files[0];
				if (!f)
					return;
				var note = d.querySelector('.pp-note');
				note.textContent = 'Đang thu nhỏ ảnh…';
				window.sdPhotos.shrink(f).then(function (s) {
					return window.sdPhotos.keep(s.blob, f.name.replace(/\.[^.]*$/, '') + '.jpg',
					                            d.querySelector('.pp-caption').value,
					                            {after: r.key});
				}).then(function () {
					note.textContent = 'Ảnh chờ gửi: ' + f.name;
				});
			});
			return d;
		}
		function send(r) {
			if (busy[r.key]) {
				/* the background round is sending the version before: wait for its answer */
				status({state: 'wait', msg: 'Đang gửi bản lưu trước; hãy đợi vài giây rồi lưu lại.'});
				return Promise.resolve();
			}
			busy[r.key] = true;
			button.disabled = true;
			var online = navigator.onLine !== false;
			return (online ? attempt(r) : Promise.resolve({net: true})).then(function (res) {
				delete busy[r.key];
				button.disabled = false;
				if ((res.status === 200 || res.status === 201) && !r.queued) {
					/* online all along: as the form without JavaScript does */
					return st.del('queue', r.key).then(function () {
						var to = kind === 'create' ? activityUrl({api: api, activity: res.json}) +
						        '?done=' + (res.json.late ? 'created_late' : 'created')
						        : location.pathname + '?done=' + (kind === 'edit' ? 'saved' : 'outcome');
						location.href = to;
					});
				}
				r.queued = true;
				return settle(r, res).then(function (x) {
					clearErrors();
					if (x.state === 'error')
						showErrors(x.fields);
					status(x);
					notify(x);
				});
			});
		}
		views.push({
			matches: function (r) { return rec && r.key === rec.key; },
			update: function (r) { rec = r; status(r); if (r.state === 'error') showErrors(r.fields); }
		});
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var body;
			clearErrors();
			try {
				body = collect(form);
			} catch (e) {
				showErrors((function () { var o = {}; o[e.field] = e.message; return o; })());
				return;
			}
			if (!rec || rec.state === 'sent')
				rec = {key: st.key('a-'), at: Date.now(), kind: kind, api: api,
				       page: location.pathname};
			rec.body = body;
			var h1 = document.querySelector('h1');
			rec.title = body.title || (h1 ? h1.textContent : '');
			rec.date = body.start_date || '';
			rec.fields = null;
			send(rec);
		});
		/* what this form left on the phone */
		var want = (/[#&]q=([\w-]+)/.exec(location.hash) || [])[1];
		st.all('queue').then(function (rows) {
			var r = rows.filter(function (x) {
				return kind === 'create' ? x.key === want : x.api === api;
			}).pop();
			if (!r)
				return;
			rec = r;
			fill(form, r.body);
			if (r.state === 'error')
				showErrors(r.fields);
			status(r);
		});
	}

	/* The list page: registrations still on the phone, at the top. */
	function bindList(el) {
		var api = el.getAttribute('data-api');
		var ul = document.createElement('ul');
		ul.className = 'acts';
		el.appendChild(ul);
		var sent = {};
		function draw() {
			return st.all('queue').then(function (rows) {
				rows = rows.filter(function (r) { return r.api.indexOf(api) === 0; });
				ul.textContent = '';
				rows.concat(Object.keys(sent).map(function (k) { return sent[k]; }))
				        .forEach(function (r) {
					        var li = document.createElement('li');
					        li.className = 'act pending-act ' + r.state;
					        li.setAttribute('data-key', r.key);
					        var t = document.createElement('div');
					        t.className = 'act-time';
					        t.textContent = r.date;
					        var b = document.createElement('div');
					        b.className = 'act-body';
					        var a = document.createElement('a');
					        a.className = 'act-title';
					        a.textContent = r.title || '(chưa có tên)';
					        a.href = r.state === 'sent' && r.kind === 'create' ? activityUrl(r) :
					                 r.kind === 'create' ? api.replace(/^\/api\/v1/, '') + '/new#q=' + r.key :
					                 r.page;
					        if (r.kind !== 'create')
						        a.textContent += r.kind === 'outcome' ? ' — kết quả' : ' — sửa thông tin';
					        var m = document.createElement('div');
					        m.className = 'act-flags';
					        var f = document.createElement('span');
					        f.className = 'flag' + (r.state === 'sent' ? ' flag-held' : ' flag-late');
					        f.textContent = r.msg || PENDING;
					        m.appendChild(f);
					        b.appendChild(a);
					        b.appendChild(m);
					        li.appendChild(t);
					        li.appendChild(b);
					        ul.appendChild(li);
				        });
				el.hidden = !ul.children.length;
			});
		}
		views.push({
			matches: function (r) { return r.api.indexOf(api) === 0; },
			update: function (r) {
				if (r.state === 'sent')
					sent[r.key] = r;
				draw();
			}
		});
		draw();
	}

	/* photo.js asks before leaving the page: not while a choice or a correction waits */
	window.sdBusy = function () {
		return !!document.querySelector('.offline-status .conflict, .offline-status.err');
	};
	Array.prototype.forEach.call(document.querySelectorAll('form[data-api]'), bindForm);
	var listEl = document.getElementById('act-pending');
	if (listEl)
		bindList(listEl);
	window.addEventListener('online', sync);
	setInterval(sync, 30000);
	setTimeout(sync, 300);
})();
