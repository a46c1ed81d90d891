import type { JsonSchema } from './common.js';

const text = { type: ['string', 'null'], maxLength: 255 };

export const UserProfileDto: JsonSchema = {
  title: 'UserProfileDto',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 128 }, firstName: text, lastName: text, email: text },
};

export const UserDto: JsonSchema = {
  title: 'UserDto',
  type: 'object',
  required: ['profile'],
  properties: {
    profile: { ...UserProfileDto, required: ['id'] },
    credentials: { type: ['object', 'null'], properties: { password: { type: 'string', maxLength: 1024 } } },
  },
};

export const UserCredentialsDto: JsonSchema = {
  title: 'UserCredentialsDto',
  type: 'object',
  required: ['password'],
  properties: { password: { type: 'string', maxLength: 1024 }, authenticatedUserPassword: { type: ['string', 'null'], maxLength: 1024 } },
};

export const GroupDto: JsonSchema = {
  title: 'GroupDto',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 128 }, name: text, type: text },
};
