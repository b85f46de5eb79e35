import { Module } from '@nestjs/common';
import { BrowserClientFilesService } from './browser-client-files.service';
import { BrowserClientController } from './browser-client.controller';

@Module({ controllers: [BrowserClientController], providers: [BrowserClientFilesService] })
export class BrowserClientHostingModule {}
