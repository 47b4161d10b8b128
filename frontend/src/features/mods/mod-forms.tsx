import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { notifySuccess, showFormError } from '../../lib/notify';
import { useCreateMod, useUpdateMod, type Mod } from './api';
import { modPatch, newMod } from './mods';

const WORKSHOP_RE = /^\d*$/;

const WORKSHOP_INPUT = {
  label: 'Steam Workshop id',
  description: 'The digits in the item’s address (…/filedetails/?id=…); optional.',
  inputMode: 'numeric',
  'data-testid': 'mod-workshop',
} as const;

export function RegisterModModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateMod();
  const form = useForm({
    initialValues: { name: '', folder: '@', workshop_id: '', description: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Must not be empty'),
      folder: (v) => (/^@./.test(v.trim()) ? null : 'A folder under the mods root starting with @'),
      workshop_id: (v) => (WORKSHOP_RE.test(v.trim()) ? null : 'Must be a Steam Workshop id (digits)'),
    },
  });

  useEffect(() => {
    if (!opened) form.reset();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `form` is a new object on every render; reset only when the dialog closes
  }, [opened]);

  return (
    <Modal opened={opened} onClose={onClose} title="Register a mod" centered>
      <form
        data-testid="register-mod-form"
        onSubmit={form.onSubmit((values) =>
          create.mutate(newMod(values), {
            onSuccess: (mod) => {
              notifySuccess(`${mod.name} registered with ${mod.keys.length} key${mod.keys.length === 1 ? '' : 's'}`);
              onClose();
            },
            onError: (err) => showFormError(form, err, 'Could not register the mod'),
          }),
        )}
      >
        <Stack>
          <TextInput
            label="Folder"
            description="Directly under the mods root, e.g. @cba_a3; it must hold an addons/ folder."
            data-testid="mod-folder"
            autoComplete="off"
            {...form.getInputProps('folder')}
          />
          <TextInput label="Name" description="Shown in the panel; unique." data-testid="mod-name" autoComplete="off" {...form.getInputProps('name')} />
          <TextInput {...WORKSHOP_INPUT} {...form.getInputProps('workshop_id')} />
          <Textarea label="Description" autosize minRows={2} maxRows={6} data-testid="mod-description" {...form.getInputProps('description')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="register-mod-submit">
              Register
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EditModModal({ mod, onClose }: { mod: Mod | null; onClose: () => void }) {
  const update = useUpdateMod();
  const form = useForm({
    initialValues: { name: '', workshop_id: '', description: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Must not be empty'),
      workshop_id: (v) => (WORKSHOP_RE.test(v.trim()) ? null : 'Must be a Steam Workshop id (digits)'),
    },
  });

  useEffect(() => {
    if (mod) form.setValues({ name: mod.name, workshop_id: mod.workshop_id ?? '', description: mod.description ?? '' });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `form` is a new object on every render; fill it only when another mod is picked
  }, [mod]);

  return (
    <Modal opened={mod !== null} onClose={onClose} title={mod ? `Edit ${mod.name}` : ''} centered>
      <form
        data-testid="edit-mod-form"
        onSubmit={form.onSubmit((values) => {
          if (!mod) return;
          const body = modPatch(mod, values);
          if (!body) return onClose();
          update.mutate(
            { id: mod.id, body },
            {
              onSuccess: (m) => {
                notifySuccess(`${m.name} saved`);
                onClose();
              },
              onError: (err) => showFormError(form, err, 'Could not save the mod'),
            },
          );
        })}
      >
        <Stack>
          <TextInput label="Name" data-testid="mod-name" autoComplete="off" {...form.getInputProps('name')} />
          <TextInput {...WORKSHOP_INPUT} {...form.getInputProps('workshop_id')} />
          <Textarea label="Description" autosize minRows={2} maxRows={6} data-testid="mod-description" {...form.getInputProps('description')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending} data-testid="edit-mod-submit">
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
