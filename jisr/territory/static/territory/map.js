/*
 * Jisr territory map: draws a GeoJSON file as an SVG of links, with no library and no
 * network beyond the app itself.
 *
 *   <div data-jisr-map
 *        data-geojson="/static/territory/regions.geojson"
 *        data-href-template="/territories/region/{code}/"
 *        data-label="Régions du Maroc"
 *        data-selected="07"
 *        data-values='{"01": 4.1, "07": 3.9}'
 *        data-colours="#eef4f8,#08306b"
 *        data-points='[{"lat": 31.63, "lon": -8.0, "name_fr": "Centre", "href": "/c/1/"}]'>
 *     <ul>…the same links as a list, shown until the map is drawn or if it cannot be…</ul>
 *   </div>
 *
 * Each feature needs `properties.code` and `name_fr` / `name_ar`; the page's language
 * (<html lang>) picks the name. Only SVG attributes and element.style are set, never a
 * <style> element, so a strict Content-Security-Policy needs no exception.
 */
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const WIDTH = 1000;
  const PADDING = 8;
  const LOOK = {
    fill: "#dbe4ec",
    stroke: "#ffffff",
    strokeWidth: 0.8,
    noValue: "#f1f1f1",
    focus: "#c2410c",
    selected: "#1e3a5f",
    point: "#c2410c",
  };

  function isArabic() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("ar") === 0;
  }

  function nameOf(item) {
    const props = item || {};
    const preferred = isArabic() ? props.name_ar : props.name_fr;
    return preferred || props.name_fr || props.name_ar || props.name || props.code || "";
  }

  function svg(tag, attributes) {
    const element = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    return element;
  }

  function polygonsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    return [];
  }

  // Equirectangular, with longitudes shrunk by the cosine of the middle latitude so that
  // shapes at Morocco's latitudes keep their proportions.
  function projection(features, points) {
    let west = Infinity;
    let east = -Infinity;
    let south = Infinity;
    let north = -Infinity;
    function extend(lon, lat) {
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
    features.forEach(function (feature) {
      polygonsOf(feature.geometry).forEach(function (polygon) {
        polygon.forEach(function (ring) {
          ring.forEach(function (position) {
            extend(position[0], position[1]);
          });
        });
      });
    });
    points.forEach(function (point) {
      extend(Number(point.lon), Number(point.lat));
    });
    const shrink = Math.cos(((south + north) / 2) * (Math.PI / 180));
    const scale = (WIDTH - 2 * PADDING) / Math.max((east - west) * shrink, 1e-9);
    const height = Math.ceil((north - south) * scale + 2 * PADDING);
    return {
      height: height,
      project: function (lon, lat) {
        return [
          PADDING + (lon - west) * shrink * scale,
          PADDING + (north - lat) * scale,
        ];
      },
    };
  }

  function pathData(geometry, project) {
    return polygonsOf(geometry)
      .map(function (polygon) {
        return polygon
          .map(function (ring) {
            return (
              "M" +
              ring
                .map(function (position) {
                  const xy = project(position[0], position[1]);
                  return xy[0].toFixed(1) + "," + xy[1].toFixed(1);
                })
                .join("L") +
              "Z"
            );
          })
          .join("");
      })
      .join("");
  }

  function hrefFor(template, code) {
    return template ? template.split("{code}").join(encodeURIComponent(code)) : null;
  }

  function outline(d, colour) {
    return svg("path", {
      d: d,
      fill: "none",
      stroke: colour,
      "stroke-width": 2.5,
      "stroke-linejoin": "round",
      "vector-effect": "non-scaling-stroke",
    });
  }

  // The outline is drawn again on top, in a layer of its own, rather than by moving the
  // area last: moving it would drop keyboard focus and change the tab order.
  function highlight(area, on, layer) {
    const shape = area.firstChild;
    shape.style.opacity = on ? "0.85" : "";
    if (shape.tagName === "circle") shape.setAttribute("stroke", on ? LOOK.focus : "#ffffff");
    layer.textContent = "";
    if (on && shape.getAttribute("d")) {
      layer.appendChild(outline(shape.getAttribute("d"), LOOK.focus));
    }
  }

  // An <a> in the SVG when there is somewhere to go, else a focusable group.
  function interactive(label, href, code, layer) {
    const area = href ? svg("a", { href: href }) : svg("g", { role: "img" });
    area.setAttribute("aria-label", label);
    area.setAttribute("data-name", label);
    area.setAttribute("tabindex", "0");
    if (code !== undefined && code !== null) area.setAttribute("data-code", code);
    ["mouseenter", "focus"].forEach(function (type) {
      area.addEventListener(type, function () {
        highlight(area, true, layer);
      });
    });
    ["mouseleave", "blur"].forEach(function (type) {
      area.addEventListener(type, function () {
        highlight(area, false, layer);
        // Hovering away must not hide where the keyboard focus is.
        const active = document.activeElement;
        if (type === "mouseleave" && active && active.hasAttribute("data-name")) {
          if (active.ownerSVGElement === area.ownerSVGElement) highlight(active, true, layer);
        }
      });
    });
    return area;
  }

  function parseJSON(text, fallback) {
    if (!text) return fallback;
    try {
      return JSON.parse(text);
    } catch (error) {
      console.warn("jisr map: ignoring an attribute that is not JSON", error);
      return fallback;
    }
  }

  function mix(low, high, t) {
    function channels(hex) {
      const value = parseInt(hex.replace("#", ""), 16);
      return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
    }
    const a = channels(low);
    const b = channels(high);
    return (
      "#" +
      a
        .map(function (channel, i) {
          const value = Math.round(channel + (b[i] - channel) * t);
          return ("0" + value.toString(16)).slice(-2);
        })
        .join("")
    );
  }

  /**
   * Fill each area by its value in `values` ({code: number}), on a linear scale between
   * two colours; areas with no value get a pale grey. Returns the scale's [min, max].
   */
  function colour(container, values, colours) {
    const ends = colours || (container.getAttribute("data-colours") || "").split(",");
    const low = (ends[0] || "#eef4f8").trim();
    const high = (ends[1] || "#08306b").trim();
    values = values || {};
    const numbers = Object.keys(values)
      .map(function (code) {
        return Number(values[code]);
      })
      .filter(isFinite);
    const min = Math.min.apply(null, numbers);
    const max = Math.max.apply(null, numbers);
    container.querySelectorAll("[data-code][data-area]").forEach(function (area) {
      const own = values[area.getAttribute("data-code")];
      const group = values[area.getAttribute("data-group")];
      const picked = own !== undefined && own !== null ? own : group;
      const value = picked !== undefined && picked !== null ? Number(picked) : NaN;
      const t = max > min ? (value - min) / (max - min) : 1;
      area.firstChild.setAttribute("fill", isFinite(value) ? mix(low, high, t) : LOOK.noValue);
      const name = area.getAttribute("data-name");
      area.setAttribute("aria-label", isFinite(value) ? name + ": " + value : name);
      if (isFinite(value)) area.setAttribute("data-value", String(value));
      else area.removeAttribute("data-value");
    });
    return numbers.length ? [min, max] : null;
  }

  function draw(container, collection) {
    const features = collection.features || [];
    const points = parseJSON(container.getAttribute("data-points"), []);
    const template = container.getAttribute("data-href-template");
    const selected = container.getAttribute("data-selected");
    const view = projection(features, points);

    const root = svg("svg", {
      viewBox: "0 0 " + WIDTH + " " + view.height,
      role: "group",
      // Geometry has no reading direction: keep it as drawn on right-to-left pages too.
      direction: "ltr",
    });
    root.style.width = "100%";
    root.style.height = "auto";
    root.style.display = "block";
    const label = container.getAttribute("data-label");
    if (label) root.setAttribute("aria-label", label);

    const areas = svg("g");
    const current = svg("g", { "aria-hidden": "true", "pointer-events": "none" });
    const focused = svg("g", { "aria-hidden": "true", "pointer-events": "none" });
    features.forEach(function (feature) {
      const props = feature.properties || {};
      const name = nameOf(props);
      const area = interactive(name, hrefFor(template, props.code), props.code, focused);
      area.setAttribute("data-area", "");
      // An arrondissement is coloured by its city's value when it has none of its own.
      if (props.commune_code && props.commune_code !== props.code) {
        area.setAttribute("data-group", props.commune_code);
      }
      const shape = svg("path", {
        d: pathData(feature.geometry, view.project),
        fill: LOOK.fill,
        stroke: LOOK.stroke,
        "stroke-width": LOOK.strokeWidth,
        "stroke-linejoin": "round",
        "vector-effect": "non-scaling-stroke",
        "aria-hidden": "true",
      });
      const title = svg("title");
      title.textContent = name;
      shape.appendChild(title);
      area.appendChild(shape);
      areas.appendChild(area);
      if (selected && String(props.code) === selected) {
        area.setAttribute("aria-current", "page");
        current.appendChild(outline(shape.getAttribute("d"), LOOK.selected));
      }
    });
    root.appendChild(areas);
    root.appendChild(current);

    const dots = svg("g");
    points.forEach(function (point) {
      const xy = view.project(Number(point.lon), Number(point.lat));
      const dot = interactive(nameOf(point), point.href || null, point.code, focused);
      const circle = svg("circle", {
        cx: xy[0].toFixed(1),
        cy: xy[1].toFixed(1),
        r: 5,
        fill: LOOK.point,
        stroke: "#ffffff",
        "stroke-width": 1.5,
        "vector-effect": "non-scaling-stroke",
        "aria-hidden": "true",
      });
      const title = svg("title");
      title.textContent = nameOf(point);
      circle.appendChild(title);
      dot.appendChild(circle);
      dots.appendChild(dot);
    });
    root.appendChild(dots);
    root.appendChild(focused);

    container.textContent = "";
    container.appendChild(root);
    const values = parseJSON(container.getAttribute("data-values"), null);
    if (values) colour(container, values);
    container.setAttribute("data-state", "ready");
    return root;
  }

  /** Fetch the container's GeoJSON and draw it; resolves to the <svg>. */
  async function render(container) {
    container.setAttribute("data-state", "loading");
    try {
      const response = await fetch(container.getAttribute("data-geojson"), {
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      return draw(container, await response.json());
    } catch (error) {
      // The container's own content (a list of links) stays as the fallback.
      container.setAttribute("data-state", "error");
      console.error("jisr map: cannot draw", container.getAttribute("data-geojson"), error);
      return null;
    }
  }

  function renderAll() {
    document.querySelectorAll("[data-jisr-map][data-geojson]").forEach(render);
  }

  window.JisrMap = { render: render, draw: draw, colour: colour };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
