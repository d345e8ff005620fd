// The parts of Chart.js a bar chart needs, registered once. ArrivalsChart imports this module on
// first use, so Chart.js stays out of the bundle the kiosk and the counters load.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export { Chart };
