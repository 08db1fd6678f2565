import type { Command } from 'commander';
import { cancelWipe, listDeviceLines, removeDevice, requestWipe, setDeviceAccess } from '../admin/devices.js';
import { accountOf } from './accounts.js';
import type { AuditBy, Print, WithStore } from './context.js';

/** `hearth device list|wipe|cancel-wipe|remove` (CONTRACT.md). */
export function deviceCommands(program: Command, withStore: WithStore, print: Print, by: AuditBy): void {
  const device = program.command('device').description('ActiveSync devices and remote wipe');
  device.command('list <email>').description('one device a line: id, type, model, last seen, wipe state, access')
    .action((email: string) => withStore(async (s) => {
      const account = await accountOf(s, email);
      const lines = await listDeviceLines(s, account.email);
      if (lines.length === 0) print(`no devices for ${account.email}`);
      for (const line of lines) print(line);
    }));
  device.command('wipe <email> <deviceId>').description('wipe the device at its next contact')
    .option('--account-only', 'remove only this account from the device (ActiveSync 16.1)')
    .action((email: string, deviceId: string, o: { accountOnly?: boolean }) => withStore(async (s) => {
      const account = await accountOf(s, email);
      const d = await requestWipe(s, account.email, deviceId, !!o.accountOnly, by);
      print(`${o.accountOnly ? 'account-only wipe' : 'wipe'} requested for ${d.deviceId} of ${account.email}: it happens at the device's next contact`);
    }));
  device.command('cancel-wipe <email> <deviceId>').description('cancel a wipe the device has not yet acknowledged')
    .action((email: string, deviceId: string) => withStore(async (s) => {
      const account = await accountOf(s, email);
      await cancelWipe(s, account.email, deviceId, by);
      print(`wipe cancelled for ${deviceId} of ${account.email}`);
    }));
  device.command('remove <email> <deviceId>').description('forget a device (a wiped device may then connect again)')
    .action((email: string, deviceId: string) => withStore(async (s) => {
      const account = await accountOf(s, email);
      await removeDevice(s, account.email, deviceId, by);
      print(`removed ${deviceId} of ${account.email}`);
    }));
  for (const [verb, access] of [['allow', 'allowed'], ['block', 'blocked']] as const) {
    device.command(`${verb} <email> <deviceId>`).description(`${verb} the device whatever the domain's access rules say`)
      .action((email: string, deviceId: string) => withStore(async (s) => {
        const account = await accountOf(s, email);
        await setDeviceAccess(s, account.email, deviceId, access, by);
        print(`${deviceId} of ${account.email} is ${access}`);
      }));
  }
}
