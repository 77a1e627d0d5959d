//! ECharts' own server-side SVG renderer, run in an embedded QuickJS engine.
//!
//! The ECharts bundle is vendored in vendor/echarts/ (Apache-2.0, the npm release's file). An engine
//! cannot move between threads: make one per worker. Loading ECharts takes ~90 ms, each chart
//! ~10 ms.

use anyhow::{Result, anyhow};
use rquickjs::{CatchResultExt, Context, Function, Runtime};

/// ECharts itself, embedded: rendered server-side here, and copied to site/assets/ for the
/// optional interactive charts.
pub static ECHARTS_JS: &str = include_str!("../../vendor/echarts/echarts-5.5.1.min.js");
pub const ECHARTS_VERSION: &str = "5.5.1";

const SETUP: &str = r#"
globalThis.console = { log(){}, info(){}, debug(){}, warn(){}, error(){} };
globalThis.setTimeout = function(){ return 0; };   // ECharts calls it even with animation off
globalThis.clearTimeout = function(){};
"#;

const RENDER: &str = r#"
globalThis.__render = function (json, w, h) {
  var c = echarts.init(null, null, { renderer: 'svg', ssr: true, width: w, height: h });
  try {
    c.setOption({ animation: false });
    c.setOption(JSON.parse(json));
    return c.renderToSVGString();
  } finally {
    c.dispose();
  }
};
"#;

pub struct Engine {
    // The context keeps the runtime alive; both drop together.
    context: Context,
    _runtime: Runtime,
}

impl Engine {
    pub fn new() -> Result<Engine> {
        let runtime = Runtime::new().map_err(|e| anyhow!("starting the chart engine: {e}"))?;
        runtime.set_memory_limit(512 * 1024 * 1024);
        let context =
            Context::full(&runtime).map_err(|e| anyhow!("starting the chart engine: {e}"))?;
        context.with(|ctx| -> Result<()> {
            for (what, code) in [
                ("setup", SETUP),
                ("ECharts", ECHARTS_JS),
                ("render", RENDER),
            ] {
                ctx.eval::<(), _>(code)
                    .catch(&ctx)
                    .map_err(|e| anyhow!("loading {what} into the chart engine: {e}"))?;
            }
            Ok(())
        })?;
        Ok(Engine {
            context,
            _runtime: runtime,
        })
    }

    /// Renders an ECharts option (JSON) to an SVG string of `width` × `height` pixels.
    pub fn render_svg(&self, option_json: &str, width: u32, height: u32) -> Result<String> {
        self.context.with(|ctx| {
            let render: Function = ctx.globals().get("__render").map_err(|e| anyhow!("{e}"))?;
            render
                .call::<_, String>((option_json, width, height))
                .catch(&ctx)
                .map_err(|e| anyhow!("rendering a chart: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_an_svg_with_japanese_labels() {
        let engine = Engine::new().unwrap();
        let svg = engine
            .render_svg(
                r#"{"yAxis":{"type":"category","data":["導入している","予定あり"]},"xAxis":{"type":"value"},"series":[{"type":"bar","data":[4,3]}]}"#,
                400,
                200,
            )
            .unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..100.min(svg.len())]);
        assert!(svg.contains("導入している"));
    }

    #[test]
    fn a_bad_option_is_an_error_not_a_panic() {
        let engine = Engine::new().unwrap();
        assert!(engine.render_svg("{not json", 100, 100).is_err());
    }
}
