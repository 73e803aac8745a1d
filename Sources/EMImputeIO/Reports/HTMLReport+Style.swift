/// The page's head and its style sheet, kept apart from the renderers.
extension HTMLReport {
    /// The page up to `<body>`: the title and the style sheet.
    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Markup.escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>

        """
    }

    /// The style sheet: the page's layout and the charts' colours, for screen and print.
    static let style = """
        :root { --observed: \(ChartColor.observed); --missing: \(ChartColor.missing); --ink: #1f2328; --muted: #59636e; --rule: #d8dee4; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1140px; margin: 0 auto; padding: 24px 24px 48px; }
        h1 { font-size: 26px; margin: 0 0 2px; }
        h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 15px; margin: 0 0 4px; }
        p { margin: 6px 0; }
        code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .subtitle { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; }
        .how { color: var(--muted); font-size: 14px; max-width: 90ch; }
        .note { color: var(--muted); font-size: 13px; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 12px 0; }
        .tile { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; min-width: 0; }
        .tile .k { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        .tile .v { font-size: 20px; font-weight: 600; overflow-wrap: anywhere; }
        .tile .s { font-size: 13px; color: var(--muted); }
        .good { color: #1a7f37; }
        .bad { color: #cf222e; }
        .warning { border-left: 4px solid #bf8700; background: #fff8c5; padding: 8px 12px; margin: 8px 0; border-radius: 0 6px 6px 0; }
        .warning .remedy { display: block; margin-top: 2px; }
        .no-warnings { border-left: 4px solid #1a7f37; background: #dafbe1; padding: 6px 12px; border-radius: 0 6px 6px 0; }
        table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 13px; font-variant-numeric: tabular-nums; margin: 8px 0; }
        th, td { padding: 4px 6px; border-bottom: 1px solid #eaeef2; text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        th { font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--rule); white-space: normal; vertical-align: bottom; }
        th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
        col.name { width: 20%; } col.type { width: 9%; }
        dl.options { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 13px; margin: 8px 0; }
        dl.options dt { color: var(--muted); }
        dl.options dd { margin: 0; overflow-wrap: anywhere; }
        .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap: 20px; }
        figure { margin: 12px 0; min-width: 0; }
        svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; fill: var(--ink); }
        svg .tick { font-size: 11px; fill: var(--muted); }
        svg .power { font-size: 13px; }
        svg .label { font-size: 12px; }
        svg .small { font-size: 11px; fill: var(--muted); }
        svg .value { font-size: 11px; }
        svg .panel-title { font-size: 13px; font-weight: 600; }
        svg .axis-title { font-size: 12px; fill: var(--muted); }
        svg .axis { stroke: #8c959f; stroke-width: 1; }
        svg .grid { stroke: #eaeef2; stroke-width: 1; }
        svg .trace { fill: none; stroke: var(--observed); stroke-width: 2; stroke-linejoin: round; }
        svg .dot { fill: var(--observed); }
        svg .tolerance { stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 6 4; }
        svg .tolerance-label { font-size: 11px; fill: #cf222e; }
        svg .cell-observed { fill: var(--observed); }
        svg .cell-missing { fill: var(--missing); }
        svg .count-bar { fill: #9aa7b4; }
        svg .missing-bar { fill: var(--missing); }
        svg .hist-observed { fill: var(--observed); fill-opacity: .28; stroke: var(--observed); stroke-width: 1.5; }
        svg .mi-line { fill: none; stroke: var(--missing); stroke-width: 1.2; stroke-opacity: .7; }
        svg .hist-imputed { fill: var(--missing); fill-opacity: .30; stroke: var(--missing); stroke-width: 2; }
        svg .panel-frame { fill: none; stroke: #eaeef2; }
        svg .clip-mark { font-size: 9px; fill: var(--missing); }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 13px; margin: 6px 0; }
        .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 6px; }
        .swatch.observed { background: var(--observed); }
        .swatch.missing { background: var(--missing); }
        .swatch.line { height: 3px; vertical-align: 4px; width: 20px; border-radius: 0; }
        .swatch.dashed { background: repeating-linear-gradient(90deg, #cf222e 0 6px, transparent 6px 10px); height: 2px; vertical-align: 4px; width: 22px; border-radius: 0; }
        footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
        @media print {
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; margin-top: 18px; }
          section.charts, figure, .tile, .warning, tr { break-inside: avoid; }
          .warning, .no-warnings, .swatch, .tile { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          table { font-size: 8.5pt; }
          th, td { padding: 2px 3px; }
          col.name { width: 16%; } col.type { width: 8%; }
          footer { margin-top: 16px; }
          @page { size: A4; margin: 12mm; }
        }
        """
}
