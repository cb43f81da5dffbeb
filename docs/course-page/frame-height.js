// Sizes each glmm-demo iframe to the height it posts (settled heights only: one message once its layout
// has stopped moving, and again whenever it changes). The same few lines as the README's snippet.
window.addEventListener('message', (e) => {
  if (!e.data || e.data.type !== 'glmm-demo:height') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === e.source) frame.height = String(e.data.height);
  }
});
