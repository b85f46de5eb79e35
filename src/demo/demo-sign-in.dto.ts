import { IsString, Matches } from 'class-validator';

export class DemoSignInDto {
  /** The demo user to sign in as; any name works (the demo accounts enrol users on their first token). */
  @IsString()
  @Matches(/^[a-z][a-z0-9_.-]{0,31}$/, { message: 'userId must be 1-32 lower-case letters, digits, _ . or -, starting with a letter' })
  userId!: string;
}
