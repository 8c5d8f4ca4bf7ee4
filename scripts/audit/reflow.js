// WCAG 1.4.10 Reflow: is the document wider than the viewport, and what sticks out?
// Run by Playwright's page.evaluate(); returns {viewport, width, widest}. `widest` is the element
// whose box or own text reaches furthest right (the outermost one where several end at the same
// edge), ignoring fixed boxes and anything inside a box that clips or scrolls horizontally,
// since those cannot widen the page.
() => {
  const viewport = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= viewport) {
    return { viewport, width, widest: null };
  }
  const root = document.documentElement;
  const cannotWiden = (element) => {
    if (getComputedStyle(element).position === "fixed") {
      return true;
    }
    for (let box = element.parentElement; box && box !== root; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.position === "fixed" || (box !== document.body && style.overflowX !== "visible")) {
        return true;
      }
    }
    return false;
  };
  const part = (element) => {
    if (element.id) {
      return `#${CSS.escape(element.id)}`;
    }
    let text = element.localName;
    for (const name of Array.from(element.classList).slice(0, 2)) {
      text += `.${CSS.escape(name)}`;
    }
    const parent = element.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.localName === element.localName);
      if (same.length > 1) {
        text += `:nth-of-type(${same.indexOf(element) + 1})`;
      }
    }
    return text;
  };
  const selector = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.body && node !== root; node = node.parentElement) {
      parts.unshift(part(node));
      if (node.id) {
        break;
      }
    }
    return parts.join(" > ");
  };
  const textRight = (element) => {
    let right = -Infinity;
    for (const node of element.childNodes) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        right = Math.max(right, range.getBoundingClientRect().right);
      }
    }
    return right;
  };
  let widest = null;
  for (const element of document.body.querySelectorAll("*")) {
    const rect = element.getBoundingClientRect();
    const boxRight = rect.right + window.scrollX;
    const text = textRight(element) + window.scrollX;
    const right = Math.max(boxRight, text);
    if (right <= viewport + 0.5 || (widest && right <= widest.right + 0.5)) {
      continue;
    }
    if (cannotWiden(element)) {
      continue;
    }
    widest = { element, right, width: rect.width, cause: text > boxRight + 0.5 ? "text" : "box" };
  }
  if (!widest) {
    return { viewport, width, widest: null };
  }
  return {
    viewport,
    width,
    widest: {
      selector: selector(widest.element),
      right: Math.round(widest.right),
      width: Math.round(widest.width),
      cause: widest.cause,
      text: widest.element.textContent.trim().replace(/\s+/g, " ").slice(0, 80),
      html: widest.element.outerHTML.slice(0, 160),
    },
  };
}
