import { decodeImage, resizeBilinear } from './dist/index.js';
import { readFileSync } from 'node:fs';
const img = await decodeImage(readFileSync('/tmp/wt/0.jpg'));
const t = (name, f) => { for (let i=0;i<30;i++) f(); const c=process.cpuUsage(); for (let i=0;i<300;i++) f(); const u=process.cpuUsage(c); console.log(name, ((u.user+u.system)/1000/300).toFixed(3)); };
for (let r=0;r<2;r++) {
t('H', () => resizeBilinear(img, 341, 375, {x0:58,y0:0,x1:282,y1:375}));
t('V', () => resizeBilinear(img, 500, 256, {x0:0,y0:16,x1:224,y1:240}));
t('both', () => resizeBilinear(img, 341, 256, {x0:58,y0:16,x1:282,y1:240}));
}
