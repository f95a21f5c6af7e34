// The frame every page shares: document head, stylesheet and closing tags.
enum PageLayout {
    static func open(_ html: inout HTMLWriter, title: String) {
        html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        html.text(title)
        html.raw("</title>\n<style>\(stylesheet)</style>\n</head>\n<body>\n")
    }

    static func close(_ html: inout HTMLWriter) {
        html.raw("</body>\n</html>\n")
    }

    static let stylesheet = """
        body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:80rem}\
        h1{margin-bottom:.2rem}.repo{color:#555;margin-top:0}\
        .status{list-style:none;padding:0;display:flex;gap:1.5rem;flex-wrap:wrap}\
        .error{color:#a00}.hint{color:#666}\
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}\
        tr.tracked td:first-child{font-weight:600}code{font-size:.95em}\
        .facts{width:auto}.facts th{padding-right:1.5rem}.ok{color:#060}td.number{text-align:right;font-variant-numeric:tabular-nums}\
        pre.log{background:#f6f6f6;padding:.6rem;overflow-x:auto;line-height:1.35}pre.log .source{color:#888;user-select:none}\
        pre.log .stderr{color:#a00}pre.log .internal{color:#555;font-style:italic}
        """
}
