//! The live-reload client: a script added before `</body>` of every served page (never by
//! `build`) that reloads the page when the site changed and shows a build error over it.

/// The live-reload client, added before `</body>` of every served page (never by `build`).
pub fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let error = serde_json::to_string(&error)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c");
    let script = format!(
        "<script>window.__surveysiteError={error};</script>\n<script>{}</script>\n",
        LIVE_RELOAD_JS
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &html[..i], &html[i..]).into_bytes(),
        None => format!("{html}{script}").into_bytes(),
    }
}

const LIVE_RELOAD_JS: &str = r#"(function () {
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/__surveysite/ws';
  function overlay(message) {
    var o = document.getElementById('surveysite-error');
    if (!message) { if (o) o.remove(); return; }
    if (!o) {
      o = document.createElement('div');
      o.id = 'surveysite-error';
      o.setAttribute('role', 'alert');
      o.style.cssText = 'position:fixed;left:0;right:0;top:0;max-height:60vh;overflow:auto;z-index:2147483647;' +
        'background:#fff0f0;color:#82071e;border-bottom:4px solid #cf222e;padding:1rem 1.5rem;' +
        'font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;box-shadow:0 4px 12px rgba(0,0,0,.2)';
      document.body.appendChild(o);
    }
    o.textContent = 'ビルドエラー（ファイルを直すと自動で更新されます）\n\n' + message;
  }
  if (window.__surveysiteError) overlay(window.__surveysiteError);
  var retry = 500;
  function connect() {
    var ws = new WebSocket(url);
    ws.onopen = function () { retry = 500; };
    ws.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.type === 'reload') location.reload();
      else if (m.type === 'error') overlay(m.message);
    };
    ws.onclose = function () { setTimeout(connect, retry); retry = Math.min(retry * 2, 5000); };
  }
  connect();
})();"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_goes_before_the_end_of_body() {
        let html = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            Some("a</script>"),
        ))
        .unwrap();
        assert!(html.ends_with("</script>\n</body></html>"));
        assert!(html.contains("__surveysite/ws"));
        assert!(!html.contains("a</script>"));
    }
}
