import { mount } from 'svelte';
import './app.css';
import './queue.css';
import './intake.css';
import './sync.css';
import './printing.css';
import './handover.css';
import App from './App.svelte';

const app = mount(App, { target: document.getElementById('app')! });

export default app;
